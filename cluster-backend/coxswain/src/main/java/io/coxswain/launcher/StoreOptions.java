package io.coxswain.launcher;

import io.coxswain.apiserver.encryption.EncryptingStore;
import io.coxswain.apiserver.encryption.EncryptionConfiguration;
import io.coxswain.store.Store;
import io.coxswain.store.embedded.EmbeddedStore;
import io.coxswain.store.etcd.EtcdStore;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** Where the cluster state lives: the embedded store in a data directory, or etcd. */
final class StoreOptions {

    @Option(names = "--store", defaultValue = "embedded", description = "embedded (default) or etcd")
    String kind;

    @Option(names = "--data-dir", defaultValue = "${sys:user.home}/.coxswain", description = "data directory (default ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--etcd-servers", split = ",", description = "etcd endpoints, e.g. http://127.0.0.1:2379")
    List<String> etcdServers = List.of();

    @Option(names = "--encryption-provider-config", description = "an apiserver.config.k8s.io/v1 EncryptionConfiguration: the "
            + "providers (aesgcm, aescbc, secretbox, identity) that keep the named resources' values at rest; the first one writes")
    Path encryptionProviderConfig;

    /** The store, behind the encryption of --encryption-provider-config when given; a bad configuration fails here, first. */
    Store open() {
        EncryptionConfiguration encryption = encryptionProviderConfig == null ? null : EncryptionConfiguration.load(encryptionProviderConfig);
        return EncryptingStore.wrap(openPlain(), encryption);
    }

    private Store openPlain() {
        return switch (kind) {
            case "embedded" -> EmbeddedStore.open(dataDir.resolve("store"));
            case "etcd" -> {
                if (etcdServers.isEmpty()) {
                    throw new IllegalArgumentException("--store etcd needs --etcd-servers");
                }
                yield new EtcdStore(etcdServers);
            }
            default -> throw new IllegalArgumentException("--store must be embedded or etcd, not " + kind);
        };
    }
}
