package io.coxswain.ls.services;

import org.eclipse.lsp4j.Diagnostic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/** Diagnostics: asks each participant, and keeps any failure of one from hiding the others' findings. */
public final class Diagnostics {

    private static final Logger LOG = LoggerFactory.getLogger(Diagnostics.class);

    private final List<DiagnosticsParticipant> participants;

    public Diagnostics(List<DiagnosticsParticipant> participants) {
        this.participants = List.copyOf(participants);
    }

    public List<Diagnostic> doDiagnostics(DiagnosticsRequest request) {
        List<Diagnostic> out = new ArrayList<>();
        for (DiagnosticsParticipant participant : participants) {
            try {
                participant.doDiagnostics(request, out);
            } catch (RuntimeException | StackOverflowError e) {
                LOG.warn("diagnostics participant " + participant.getClass().getSimpleName() + " failed", e);
            }
        }
        return out;
    }
}
