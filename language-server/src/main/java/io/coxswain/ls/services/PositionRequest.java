package io.coxswain.ls.services;

import io.coxswain.ls.model.ManifestDocument;
import io.coxswain.ls.model.Section;
import io.coxswain.ls.model.YamlContext;
import io.coxswain.schemas.KindSchema;

import java.util.Optional;

/** A request at a cursor, like LemMinX's AbstractPositionRequest: the file, the section, the local line. */
public class PositionRequest {

    private final ManifestDocument document;
    private final Workspace workspace;
    private final Schemas schemas;
    private final int line;
    private final int character;
    private final int sectionIndex;
    private YamlContext context;

    public PositionRequest(ManifestDocument document, Workspace workspace, Schemas schemas, int line, int character) {
        this.document = document;
        this.workspace = workspace;
        this.schemas = schemas;
        this.line = line;
        this.character = character;
        this.sectionIndex = document.sectionIndex(line);
    }

    public ManifestDocument document() {
        return document;
    }

    public Workspace workspace() {
        return workspace;
    }

    public Schemas schemas() {
        return schemas;
    }

    public int line() {
        return line;
    }

    public int character() {
        return character;
    }

    public Section section() {
        return document.sections().get(sectionIndex);
    }

    public int sectionStartLine() {
        return document.startLine(sectionIndex);
    }

    public int localLine() {
        return line - sectionStartLine();
    }

    public Optional<KindSchema> kind() {
        return schemas.kindOf(section());
    }

    public YamlContext context() {
        if (context == null) {
            context = YamlContext.at(section(), localLine(), character);
        }
        return context;
    }
}
