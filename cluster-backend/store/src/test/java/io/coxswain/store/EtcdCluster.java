package io.coxswain.store;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.maintenance.StatusResponse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** A 3- or 5-member etcd cluster of {@link EtcdServer} processes on loopback, for failover tests. */
public final class EtcdCluster implements AutoCloseable {
    private final Path dir;
    private final List<EtcdServer> members;

    private EtcdCluster(Path dir, List<EtcdServer> members) {
        this.dir = dir;
        this.members = members;
    }

    public static EtcdCluster start(int size) throws IOException {
        Path dir = Files.createTempDirectory("etcd-cluster-test-");
        List<EtcdServer> members = EtcdServer.members(size, dir);
        EtcdCluster cluster = new EtcdCluster(dir, members);
        try {
            String initial = members.stream().map(m -> m.name() + "=" + m.peerUrl()).collect(Collectors.joining(","));
            String token = "cluster-" + System.nanoTime();
            for (EtcdServer m : members) {
                m.launch(initial, token);
            }
            for (EtcdServer m : members) {
                m.awaitHealthy(Duration.ofSeconds(30));
            }
            return cluster;
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    public List<EtcdServer> members() {
        return members;
    }

    public List<String> endpoints() {
        return members.stream().map(EtcdServer::endpoint).toList();
    }

    public List<String> endpointsExcept(EtcdServer gone) {
        return members.stream().filter(m -> m != gone).map(EtcdServer::endpoint).toList();
    }

    /** The member that reports itself as leader, asking each live member in turn. */
    public Optional<EtcdServer> leader() {
        for (EtcdServer m : members) {
            if (!m.isAlive()) {
                continue;
            }
            try (Client client = Client.builder().endpoints(m.endpoint()).build()) {
                StatusResponse status = client.getMaintenanceClient().statusMember(m.endpoint()).get(5, TimeUnit.SECONDS);
                if (status.getLeader() != 0 && status.getLeader() == status.getHeader().getMemberId()) {
                    return Optional.of(m);
                }
            } catch (Exception e) {
                // not answering: not the leader we can use
            }
        }
        return Optional.empty();
    }

    /** Waits for some member to lead. */
    public EtcdServer awaitLeader(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<EtcdServer> leader = leader();
            if (leader.isPresent()) {
                return leader.get();
            }
            EtcdServer.sleep(50);
        }
        throw new IllegalStateException("no etcd leader after " + timeout + "; logs in " + dir);
    }

    @Override
    public void close() {
        members.forEach(EtcdServer::stop);
        if (!Boolean.getBoolean("coxswain.keepEtcd")) {
            EtcdServer.deleteTree(dir);
        }
    }
}
