package io.coxswain.client.bootstrap;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * client-go's certificate manager for a node's client certificate: at a jittered 70–90 % of the certificate's lifetime
 * it asks for a new one through a CertificateSigningRequest made with the current certificate (csrapproving approves a
 * node's own renewal, selfnodeclient), writes it, and tells the node's components, which then use the new files. A
 * failed attempt is retried with a doubling backoff up to 5 minutes, as client-go does.
 */
public final class CertificateRotation implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CertificateRotation.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(2);
    private static final Duration MAX_RETRY = Duration.ofMinutes(5);

    private final String server;
    private final String nodeName;
    private final Duration csrTimeout;
    private final Consumer<NodeCredentials> renewed;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "certificate-rotation");
        t.setDaemon(true);
        return t;
    });
    private volatile NodeCredentials current;
    private Duration backoff = FIRST_RETRY;

    public CertificateRotation(NodeCredentials current, String server, String nodeName, Duration csrTimeout, Consumer<NodeCredentials> renewed) {
        this.current = current;
        this.server = server;
        this.nodeName = nodeName;
        this.csrTimeout = csrTimeout;
        this.renewed = renewed;
    }

    public void start() {
        schedule();
    }

    /** client-go's nextRotationDeadline: notBefore + a random 70–90 % of (notAfter − notBefore). */
    public static Instant deadline(X509Certificate certificate) {
        Instant notBefore = certificate.getNotBefore().toInstant();
        long total = Duration.between(notBefore, certificate.getNotAfter().toInstant()).toMillis();
        return notBefore.plusMillis((long) (total * (0.7 + 0.2 * ThreadLocalRandom.current().nextDouble())));
    }

    private void schedule() {
        Instant at = deadline(current.certificate());
        long delay = Math.max(0, Duration.between(Instant.now(), at).toMillis());
        LOG.info("certificate rotation: the client certificate of {} is valid until {}; renewing at {}", nodeName,
                current.certificate().getNotAfter().toInstant(), at);
        timer.schedule(this::rotate, delay, TimeUnit.MILLISECONDS);
    }

    private void rotate() {
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(current.clientConfig(server)).build()) {
            NodeCertificateRequest.Issued issued = NodeCertificateRequest.request(client, server, nodeName, csrTimeout);
            String caPem = java.nio.file.Files.readString(NodeCredentials.caFile(current.dataDir()));
            current = NodeCredentials.write(current.dataDir(), server, caPem, issued.certificatePem(), issued.keyPem());
            LOG.info("certificate rotation: renewed the client certificate of {} through {}; valid until {}", nodeName, issued.csrName(),
                    current.certificate().getNotAfter().toInstant());
            backoff = FIRST_RETRY;
            renewed.accept(current);
            schedule();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("certificate rotation: renewing the client certificate of {} failed ({}); trying again in {} s", nodeName,
                    e instanceof JoinException ? e.getMessage() : ClusterInfoDiscovery.describe(e), backoff.toSeconds());
            if (!timer.isShutdown()) {
                timer.schedule(this::rotate, backoff.toMillis(), TimeUnit.MILLISECONDS);
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : backoff.multipliedBy(2);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
