package io.coxswain.ls.services;

import java.util.List;

/** Adds diagnostics for one file, like LemMinX's IDiagnosticsParticipant. */
public interface DiagnosticsParticipant {

    void doDiagnostics(DiagnosticsRequest request, List<org.eclipse.lsp4j.Diagnostic> out);
}
