package io.coxswain.ls;

import io.coxswain.ls.cluster.ClusterLink;
import io.coxswain.ls.cluster.ClusterSettings;
import org.eclipse.lsp4j.DidChangeConfigurationParams;
import org.eclipse.lsp4j.DidChangeWatchedFilesParams;
import org.eclipse.lsp4j.ExecuteCommandParams;
import org.eclipse.lsp4j.services.WorkspaceService;

import java.util.concurrent.CompletableFuture;

/** The LSP adapter for the workspace: the settings (the cluster's, the feature switches) and the cluster commands. */
final class CoxswainWorkspaceService implements WorkspaceService {

    private final ClusterLink cluster;
    private final CoxswainTextDocumentService documents;
    private final Runnable pullSettings;

    CoxswainWorkspaceService(ClusterLink cluster, CoxswainTextDocumentService documents, Runnable pullSettings) {
        this.cluster = cluster;
        this.documents = documents;
        this.pullSettings = pullSettings;
    }

    /** Settings pushed with the notification apply at once; a client that sends none is asked again. */
    @Override
    public void didChangeConfiguration(DidChangeConfigurationParams params) {
        ClusterSettings pushed = ClusterSettings.from(params.getSettings());
        if (!pushed.equals(ClusterSettings.DEFAULT)) {
            cluster.configure(pushed);
        }
        documents.configure(documents.features().with(params.getSettings()));
        pullSettings.run();
    }

    @Override
    public void didChangeWatchedFiles(DidChangeWatchedFilesParams params) {
    }

    @Override
    public CompletableFuture<Object> executeCommand(ExecuteCommandParams params) {
        return cluster.execute(params.getCommand(), params.getArguments());
    }
}
