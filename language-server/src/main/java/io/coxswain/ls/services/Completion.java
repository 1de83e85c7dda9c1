package io.coxswain.ls.services;

import org.eclipse.lsp4j.CompletionItem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Completion: where a key goes, or a value; each participant adds its proposals, one per label. */
public final class Completion {

    private static final Logger LOG = LoggerFactory.getLogger(Completion.class);

    private final List<CompletionParticipant> participants;

    public Completion(List<CompletionParticipant> participants) {
        this.participants = List.copyOf(participants);
    }

    public List<CompletionItem> doComplete(CompletionRequest request) {
        List<CompletionItem> out = new ArrayList<>();
        boolean value = request.context().valueOf() != null;
        for (CompletionParticipant participant : participants) {
            try {
                if (value) {
                    participant.onValue(request, out);
                } else {
                    participant.onKey(request, out);
                }
            } catch (RuntimeException e) {
                LOG.warn("completion participant " + participant.getClass().getSimpleName() + " failed", e);
            }
        }
        Map<String, CompletionItem> unique = new LinkedHashMap<>();
        out.forEach(item -> unique.putIfAbsent(item.getLabel(), item));
        return new ArrayList<>(unique.values());
    }
}
