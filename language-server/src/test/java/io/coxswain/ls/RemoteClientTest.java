package io.coxswain.ls;

import io.coxswain.ls.cluster.CoxswainClient;
import org.eclipse.lsp4j.jsonrpc.Endpoint;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** Each client method sends the message LSP4J's annotations name, as a request or a notification as they say. */
class RemoteClientTest {

    private record Sent(String kind, String method, Object parameter) {
    }

    @Test
    void everyAnnotatedMethodSendsItsMessage() throws Exception {
        List<Sent> sent = new ArrayList<>();
        CompletableFuture<Object> answer = new CompletableFuture<>();
        RemoteClient client = new RemoteClient(new Endpoint() {
            @Override
            public CompletableFuture<?> request(String method, Object parameter) {
                sent.add(new Sent("request", method, parameter));
                return answer;
            }

            @Override
            public void notify(String method, Object parameter) {
                sent.add(new Sent("notification", method, parameter));
            }
        });
        int checked = 0;
        for (Method m : CoxswainClient.class.getMethods()) {
            String name = RpcNames.of(m);
            if (name == null) {
                continue;
            }
            Method own = RemoteClient.class.getMethod(m.getName(), m.getParameterTypes());
            assertThat(own.getDeclaringClass()).as(m.toString()).isEqualTo(RemoteClient.class);
            assertThat(Modifier.isAbstract(own.getModifiers())).isFalse();
            sent.clear();
            Object parameter = m.getParameterCount() == 0 ? null
                    : m.getParameterTypes()[0] == Object.class ? "x" : m.getParameterTypes()[0].getDeclaredConstructor().newInstance();
            Object result = own.invoke(client, m.getParameterCount() == 0 ? new Object[0] : new Object[] {parameter});
            String kind = RpcNames.isNotification(m) ? "notification" : "request";
            assertThat(sent).as(m.toString()).containsExactly(new Sent(kind, name, parameter));
            if (kind.equals("request")) {
                assertThat(result).isSameAs(answer);
            }
            checked++;
        }
        assertThat(checked).isGreaterThan(20);
    }
}
