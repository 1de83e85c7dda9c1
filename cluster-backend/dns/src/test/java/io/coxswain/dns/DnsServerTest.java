package io.coxswain.dns;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server on loopback, asked over real UDP and TCP by dnsjava's resolver: the cluster zone's names, NXDOMAIN
 * against NODATA, truncation and the TCP retry, and forwarding to an upstream that is a second server on loopback.
 */
class DnsServerTest {

    static final Vertx VERTX = Vertx.vertx();
    static int port;
    static int upstreamPort;
    static String clusterDns;
    static String upstreamDns;

    @BeforeAll
    static void start() throws Exception {
        FixedClusterState state = new FixedClusterState()
                .service("default", "web", "10.96.0.20", "http:80/TCP", "dns:53/UDP")
                .service("default", "db", "None", "pg:5432/TCP")
                .endpoint("default", "db", "10.244.0.5", "db-0", true, new ClusterState.Port("pg", 5432, "TCP"))
                .endpoint("default", "db", "10.244.0.6", null, true, new ClusterState.Port("pg", 5432, "TCP"))
                .endpoint("default", "db", "10.244.0.7", "db-2", false, new ClusterState.Port("pg", 5432, "TCP"))
                .service("other", "big", "None")
                .externalName("default", "ext", "example.upstream.test");
        for (int i = 0; i < 100; i++) {
            state.endpoint("other", "big", "10.244.1." + (i + 1), null, true);
        }
        FixedClusterState upstreamState = new FixedClusterState().service("default", "far", "192.0.2.7").service("default", "many", "None");
        for (int i = 0; i < 100; i++) {
            upstreamState.endpoint("default", "many", "10.250.0." + (i + 1), null, true);
        }
        upstreamPort = freePort();
        upstreamDns = deploy(new DnsHandler(new ClusterZone("upstream.test", upstreamState, 300), new Upstream(List.of(), Duration.ofSeconds(1))),
                upstreamPort);
        port = freePort();
        clusterDns = deploy(new DnsHandler(new ClusterZone("cluster.local", state, 30),
                new Upstream(List.of(new InetSocketAddress("127.0.0.1", upstreamPort)), Duration.ofSeconds(1))), port);
    }

    static String deploy(DnsHandler handler, int p) throws Exception {
        return VERTX.deployVerticle(new DnsServer(handler, List.of("127.0.0.1"), p)).await(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        VERTX.close().await(10, TimeUnit.SECONDS);
    }

    /** A port free for both UDP and TCP on loopback. */
    static int freePort() throws IOException {
        for (int i = 0; i < 50; i++) {
            int p = ThreadLocalRandom.current().nextInt(20000, 60000);
            try (ServerSocket tcp = new ServerSocket(p, 1, java.net.InetAddress.getLoopbackAddress());
                 DatagramSocket udp = new DatagramSocket(p, java.net.InetAddress.getLoopbackAddress())) {
                return p;
            } catch (IOException e) {
                // taken: another
            }
        }
        throw new IOException("no free port");
    }

    static Message ask(String name, int type, boolean tcp) throws IOException {
        SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
        r.setTCP(tcp);
        r.setIgnoreTruncation(!tcp && name.startsWith("!"));
        r.setTimeout(Duration.ofSeconds(3));
        String n = name.startsWith("!") ? name.substring(1) : name;
        return r.send(Message.newQuery(Record.newRecord(Name.fromString(n), type, DClass.IN)));
    }

    static List<String> answers(Message m) {
        return m.getSection(Section.ANSWER).stream().map(Record::rdataToString).sorted().toList();
    }

    @Test
    void clusterIpServiceByAnyCaseWithTtl() throws IOException {
        Message m = ask("WEB.Default.svc.Cluster.Local.", Type.A, false);
        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(m.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(answers(m)).containsExactly("10.96.0.20");
        assertThat(m.getSection(Section.ANSWER).get(0).getTTL()).isEqualTo(30);
        assertThat(answers(ask("web.default.svc.cluster.local.", Type.A, true))).containsExactly("10.96.0.20");
    }

    @Test
    void headlessServiceGivesReadyEndpointsAndHostnames() throws IOException {
        assertThat(answers(ask("db.default.svc.cluster.local.", Type.A, false))).containsExactly("10.244.0.5", "10.244.0.6");
        assertThat(answers(ask("db-0.db.default.svc.cluster.local.", Type.A, false))).containsExactly("10.244.0.5");
        assertThat(answers(ask("10-244-0-6.db.default.svc.cluster.local.", Type.A, false))).containsExactly("10.244.0.6");
        assertThat(ask("db-9.db.default.svc.cluster.local.", Type.A, false).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void srvForNamedPorts() throws IOException {
        assertThat(answers(ask("_http._tcp.web.default.svc.cluster.local.", Type.SRV, false)))
                .containsExactly("0 100 80 web.default.svc.cluster.local.");
        assertThat(answers(ask("_dns._udp.web.default.svc.cluster.local.", Type.SRV, false)))
                .containsExactly("0 100 53 web.default.svc.cluster.local.");
        Message headless = ask("_pg._tcp.db.default.svc.cluster.local.", Type.SRV, false);
        assertThat(answers(headless)).containsExactly("0 100 5432 10-244-0-6.db.default.svc.cluster.local.",
                "0 100 5432 db-0.db.default.svc.cluster.local.");
        assertThat(headless.getSection(Section.ADDITIONAL).stream().filter(r -> r.getType() == Type.A).map(Record::rdataToString))
                .containsExactlyInAnyOrder("10.244.0.5", "10.244.0.6");
        assertThat(ask("_http._udp.web.default.svc.cluster.local.", Type.SRV, false).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void nxdomainAgainstNodata() throws IOException {
        Message missing = ask("nope.default.svc.cluster.local.", Type.A, false);
        assertThat(missing.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(missing.getSection(Section.AUTHORITY)).extracting(Record::getType).containsExactly(Type.SOA);
        Message aaaa = ask("web.default.svc.cluster.local.", Type.AAAA, false);
        assertThat(aaaa.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(aaaa.getSection(Section.ANSWER)).isEmpty();
        assertThat(ask("default.svc.cluster.local.", Type.A, false).getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(ask("nons.svc.cluster.local.", Type.A, false).getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(ask("web.default.nothing.cluster.local.", Type.A, false).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void externalNameIsACnameAndClusterIpsHavePtr() throws IOException {
        Message m = ask("ext.default.svc.cluster.local.", Type.A, false);
        assertThat(m.getSection(Section.ANSWER)).extracting(Record::getType).containsExactly(Type.CNAME);
        assertThat(answers(m)).containsExactly("example.upstream.test.");
        assertThat(answers(ask("20.0.96.10.in-addr.arpa.", Type.PTR, false))).containsExactly("web.default.svc.cluster.local.");
        assertThat(answers(ask("10-1-2-3.default.pod.cluster.local.", Type.A, false))).containsExactly("10.1.2.3");
    }

    @Test
    void bigAnswersAreTruncatedOnUdpAndWholeOnTcp() throws IOException {
        Message udp = ask("!big.other.svc.cluster.local.", Type.A, false);
        assertThat(udp.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(udp.getSection(Section.ANSWER).size()).isLessThan(100);
        Message tcp = ask("big.other.svc.cluster.local.", Type.A, true);
        assertThat(tcp.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(tcp.getSection(Section.ANSWER)).hasSize(100);
        // dnsjava's resolver itself retries over TCP when it sees TC
        assertThat(ask("big.other.svc.cluster.local.", Type.A, false).getSection(Section.ANSWER)).hasSize(100);
    }

    @Test
    void otherNamesGoUpstream() throws IOException {
        Message m = ask("far.default.svc.upstream.test.", Type.A, false);
        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(answers(m)).containsExactly("192.0.2.7");
        assertThat(m.getSection(Section.ANSWER).get(0).getTTL()).isEqualTo(300);
        assertThat(ask("gone.default.svc.upstream.test.", Type.A, true).getRcode()).isEqualTo(Rcode.NXDOMAIN);
        // the upstream's answer is truncated on UDP: asked again over TCP, then whole to a TCP client
        Message udp = ask("!many.default.svc.upstream.test.", Type.A, false);
        assertThat(udp.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(ask("many.default.svc.upstream.test.", Type.A, true).getSection(Section.ANSWER)).hasSize(100);
    }

    @Test
    void anUpstreamThatDoesNotAnswerGivesServfail() throws Exception {
        int silent = freePort();
        int p = freePort();
        String id = deploy(new DnsHandler(new ClusterZone("cluster.local", new FixedClusterState(), 30),
                new Upstream(List.of(new InetSocketAddress("127.0.0.1", silent)), Duration.ofMillis(300))), p);
        try (DatagramSocket blackHole = new DatagramSocket(silent, java.net.InetAddress.getLoopbackAddress())) {
            SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", p));
            r.setTimeout(Duration.ofSeconds(5));
            Message m = r.send(Message.newQuery(Record.newRecord(Name.fromString("x.example."), Type.A, DClass.IN)));
            assertThat(m.getRcode()).isEqualTo(Rcode.SERVFAIL);
        } finally {
            VERTX.undeploy(id).await(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void clusterDnsAddressIsTheTenthOfTheRange() {
        assertThat(DnsOptions.clusterDnsAddress("10.96.0.0/16")).isEqualTo("10.96.0.10");
        assertThat(DnsOptions.clusterDnsAddress("10.100.5.7/12")).isEqualTo("10.96.0.10");
        assertThat(DnsOptions.clusterDnsAddress("172.20.0.0/24")).isEqualTo("172.20.0.10");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DnsOptions.clusterDnsAddress("10.96.0.0"))
                .hasMessageContaining("not an IPv4 CIDR");
        assertThat(DnsOptions.upstream("127.0.0.1:5353")).isEqualTo(new InetSocketAddress("127.0.0.1", 5353));
        assertThat(DnsOptions.upstream("192.0.2.1").getPort()).isEqualTo(53);
    }
}
