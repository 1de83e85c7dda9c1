package io.coxswain.ls.services;

import org.eclipse.lsp4j.CompletionItem;

import java.util.List;

/** Adds proposals at a cursor, like LemMinX's ICompletionParticipant. */
public interface CompletionParticipant {

    void onKey(CompletionRequest request, List<CompletionItem> out);

    void onValue(CompletionRequest request, List<CompletionItem> out);
}
