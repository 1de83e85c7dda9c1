package io.coxswain.ls.services;

import io.coxswain.ls.model.ManifestDocument;

/** Diagnostics for a whole file, with the other open files for the checks that span files. */
public record DiagnosticsRequest(ManifestDocument document, Workspace workspace, Schemas schemas) {
}
