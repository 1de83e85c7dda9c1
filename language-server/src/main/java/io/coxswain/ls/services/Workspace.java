package io.coxswain.ls.services;

import io.coxswain.ls.model.ManifestDocument;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The open files, each as its latest snapshot. Snapshots are immutable, so features read them on any thread. */
public final class Workspace {

    private final Map<String, ManifestDocument> documents = new ConcurrentHashMap<>();

    public void put(ManifestDocument document) {
        documents.put(document.uri(), document);
    }

    public void remove(String uri) {
        documents.remove(uri);
    }

    public Optional<ManifestDocument> get(String uri) {
        return Optional.ofNullable(documents.get(uri));
    }

    public Collection<ManifestDocument> documents() {
        return documents.values();
    }
}
