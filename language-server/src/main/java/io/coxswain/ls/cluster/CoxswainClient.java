package io.coxswain.ls.cluster;

import org.eclipse.lsp4j.jsonrpc.services.JsonNotification;
import org.eclipse.lsp4j.services.LanguageClient;

/** The client as the cluster link sees it: LSP plus Coxswain's two notifications (see CLUSTER-LINK.md). */
public interface CoxswainClient extends LanguageClient {

    /** The status model for the extension's views: the connection and every deployed document's status. */
    @JsonNotification("coxswain/status")
    void status(Object status);

    /** Followed log text: {@code {uri, document, pod, container, text}}, and a last one with {@code end: true}. */
    @JsonNotification("coxswain/logs")
    void logs(Object chunk);
}
