package io.coxswain.ls;

import org.eclipse.lsp4j.jsonrpc.services.JsonNotification;
import org.eclipse.lsp4j.jsonrpc.services.JsonRequest;
import org.eclipse.lsp4j.jsonrpc.services.JsonSegment;

import java.lang.reflect.Method;

/** The JSON-RPC name LSP4J's annotations give a Java method, as LSP4J's AnnotationUtil derives it; null if none. */
final class RpcNames {

    private RpcNames() {
    }

    static String of(Method method) {
        JsonRequest request = method.getAnnotation(JsonRequest.class);
        JsonNotification notification = method.getAnnotation(JsonNotification.class);
        if (request == null && notification == null) {
            return null;
        }
        String value = request != null ? request.value() : notification.value();
        boolean useSegment = request != null ? request.useSegment() : notification.useSegment();
        JsonSegment segment = method.getDeclaringClass().getAnnotation(JsonSegment.class);
        String name = value.isEmpty() ? method.getName() : value;
        return useSegment && segment != null ? segment.value() + "/" + name : name;
    }

    static boolean isNotification(Method method) {
        return method.getAnnotation(JsonNotification.class) != null;
    }
}
