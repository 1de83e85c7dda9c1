package io.coxswain.schemas;

import java.util.List;
import java.util.Optional;

/** The outcome of validating one manifest: the kind's schema, if one was found, and every problem. */
public record ValidationReport(Optional<KindSchema> kind, List<ValidationProblem> problems) {

    public boolean valid() {
        return problems.isEmpty();
    }

    public boolean unknownKind() {
        return kind.isEmpty();
    }
}
