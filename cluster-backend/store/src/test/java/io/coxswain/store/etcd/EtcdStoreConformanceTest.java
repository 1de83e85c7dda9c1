package io.coxswain.store.etcd;

import io.coxswain.store.EtcdServer;
import io.coxswain.store.Store;
import io.coxswain.store.StoreConformanceTest;
import io.coxswain.store.StoreUnavailableException;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.DeleteOption;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared suite against a real etcd. One etcd serves the whole class; each test starts from an empty
 * keyspace (every key lives under "/"), while the revision simply keeps growing, which the suite allows.
 */
class EtcdStoreConformanceTest extends StoreConformanceTest {
    private static EtcdServer etcd;
    private static Client admin;

    @BeforeAll
    static void startEtcd() throws Exception {
        etcd = EtcdServer.start();
        admin = Client.builder().endpoints(etcd.endpoint()).build();
    }

    @AfterAll
    static void stopEtcd() {
        if (admin != null) {
            admin.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    @Override
    protected Store newStore() throws Exception {
        admin.getKVClient().delete(EtcdStore.bytes("/"), DeleteOption.builder().isPrefix(true).build())
                .get(10, TimeUnit.SECONDS);
        return new EtcdStore(etcd.endpoints());
    }

    @Test
    void unreachableClusterIsUnavailable() throws Exception {
        int nobody = freeLoopbackPort();
        try (EtcdStore lost = new EtcdStore(List.of("http://127.0.0.1:" + nobody), Duration.ofSeconds(2))) {
            assertThat(failure(() -> lost.get("/registry/pods/a"))).isInstanceOf(StoreUnavailableException.class);
            assertThat(failure(() -> lost.create("/registry/pods/a", bytes("1")))).isInstanceOf(StoreUnavailableException.class);
        }
    }

    private static int freeLoopbackPort() throws Exception {
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
