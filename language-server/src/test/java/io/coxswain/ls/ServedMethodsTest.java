package io.coxswain.ls;

import com.google.gson.reflect.TypeToken;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.json.JsonRpcMethod;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;
import org.eclipse.lsp4j.jsonrpc.services.ServiceEndpoints;
import org.eclipse.lsp4j.services.LanguageServer;
import org.eclipse.lsp4j.services.TextDocumentService;
import org.eclipse.lsp4j.services.WorkspaceService;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The server's fixed method table against what LSP4J's reflection finds, and its dispatch. */
class ServedMethodsTest {

    @Test
    void tableIsWhatLsp4jReflectionFinds() {
        Map<String, JsonRpcMethod> reflected = ServiceEndpoints.getSupportedMethods(CoxswainLanguageServer.class);
        assertThat(ServedMethods.TABLE).isNotEmpty();
        ServedMethods.TABLE.forEach((name, ours) -> {
            JsonRpcMethod theirs = reflected.get(name);
            assertThat(theirs).as(name).isNotNull();
            assertThat(ours.isNotification()).as(name).isEqualTo(theirs.isNotification());
            assertThat(ours.getParameterTypes()).as(name).hasSameSizeAs(theirs.getParameterTypes());
            for (int i = 0; i < ours.getParameterTypes().length; i++) {
                assertThat(sameType(ours.getParameterTypes()[i], theirs.getParameterTypes()[i])).as(name + " parameter").isTrue();
            }
            assertThat(sameType(ours.getReturnType(), theirs.getReturnType()))
                    .as(name + " returns " + ours.getReturnType() + ", LSP4J says " + theirs.getReturnType()).isTrue();
            assertThat(factoryClass(ours)).as(name + " response adapter").isEqualTo(factoryClass(theirs));
        });
    }

    /** A method the services implement is in the table; one they leave to the interface's default is not. */
    @Test
    void servesExactlyWhatTheServicesImplement() {
        List<String> implemented = new ArrayList<>();
        List<String> left = new ArrayList<>();
        sort(LanguageServer.class, CoxswainLanguageServer.class, implemented, left);
        sort(TextDocumentService.class, CoxswainTextDocumentService.class, implemented, left);
        sort(WorkspaceService.class, CoxswainWorkspaceService.class, implemented, left);
        assertThat(ServedMethods.TABLE.keySet()).containsExactlyInAnyOrderElementsOf(implemented);
        assertThat(left).isNotEmpty().doesNotContainAnyElementsOf(ServedMethods.TABLE.keySet());
    }

    /** Each name reaches the Java method whose annotation carries that name, with its parameter. */
    @Test
    void dispatchesEachNameToItsMethod() throws Exception {
        List<Method> calls = new ArrayList<>();
        List<Object> arguments = new ArrayList<>();
        Object services = Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {LanguageServer.class, TextDocumentService.class, WorkspaceService.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getTextDocumentService", "getWorkspaceService" -> proxy;
                    default -> {
                        calls.add(method);
                        arguments.add(args == null ? null : args[0]);
                        yield method.getReturnType() == CompletableFuture.class ? CompletableFuture.completedFuture(null) : null;
                    }
                });
        ServedMethods served = new ServedMethods((LanguageServer) services);
        for (JsonRpcMethod m : ServedMethods.TABLE.values()) {
            calls.clear();
            arguments.clear();
            Object parameter = m.getParameterTypes().length == 0 ? null
                    : ((Class<?>) m.getParameterTypes()[0]).getDeclaredConstructor().newInstance();
            if (m.isNotification()) {
                served.notify(m.getMethodName(), parameter);
            } else {
                assertThat(served.request(m.getMethodName(), parameter).get()).isNull();
            }
            assertThat(calls).as(m.getMethodName()).hasSize(1);
            assertThat(RpcNames.of(calls.get(0))).isEqualTo(m.getMethodName());
            assertThat(arguments.get(0)).isSameAs(parameter);
        }
    }

    @Test
    void anUnknownRequestIsMethodNotFoundAndAnOptionalOneNull() throws Exception {
        ServedMethods served = new ServedMethods(new CoxswainLanguageServer());
        assertThatThrownBy(() -> served.request("textDocument/rename", null).get())
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(ResponseErrorException.class)
                .satisfies(e -> assertThat(((ResponseErrorException) e).getResponseError().getCode())
                        .isEqualTo(ResponseErrorCode.MethodNotFound.getValue()));
        assertThat(served.request("$/somethingOptional", null).get()).isNull();
        served.notify("textDocument/willSave", null);
    }

    private static void sort(Class<?> api, Class<?> impl, List<String> implemented, List<String> left) {
        for (Method m : api.getDeclaredMethods()) {
            String name = RpcNames.of(m);
            if (name == null) {
                continue;
            }
            try {
                Method found = impl.getMethod(m.getName(), m.getParameterTypes());
                (found.getDeclaringClass() == impl ? implemented : left).add(name);
            } catch (NoSuchMethodException e) {
                throw new AssertionError(e);
            }
        }
    }

    private static boolean sameType(Type a, Type b) {
        return TypeToken.get(a).equals(TypeToken.get(b));
    }

    private static Class<?> factoryClass(JsonRpcMethod m) {
        return m.getReturnTypeAdapterFactory() == null ? null : m.getReturnTypeAdapterFactory().getClass();
    }
}
