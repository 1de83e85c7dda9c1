package io.coxswain.ls.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.List;

/** What the informers hold: objects by type, namespace and name. Reads never call the cluster. */
public interface ClusterCache {

    <T extends HasMetadata> T get(Class<T> type, String namespace, String name);

    <T extends HasMetadata> List<T> list(Class<T> type, String namespace);
}
