package io.coxswain.client;

import io.coxswain.client.DaemonThreads;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.coxswain.client.MergePatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Posts Events off the caller's thread, like client-go's recorder: a repeat of the same event on the same object
 * bumps the count of the one already posted instead of making another.
 */
public final class EventRecorder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
    private static final int REMEMBERED = 4096;

    private final KubernetesClient client;
    private final String component;
    private final String host;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(DaemonThreads.named("event-recorder"));
    private final Map<String, Event> posted = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Event> eldest) {
            return size() > REMEMBERED;
        }
    };

    public EventRecorder(KubernetesClient client, String component, String host) {
        this.client = client;
        this.component = component;
        this.host = host;
    }

    public void normal(HasMetadata object, String fieldPath, String reason, String message) {
        record(object, fieldPath, "Normal", reason, message);
    }

    public void warning(HasMetadata object, String fieldPath, String reason, String message) {
        record(object, fieldPath, "Warning", reason, message);
    }

    private void record(HasMetadata object, String fieldPath, String type, String reason, String message) {
        var meta = object.getMetadata();
        String ns = meta.getNamespace() == null ? "default" : meta.getNamespace();
        var ref = new ObjectReferenceBuilder().withApiVersion(object.getApiVersion()).withKind(object.getKind())
                .withNamespace(meta.getNamespace()).withName(meta.getName()).withUid(meta.getUid())
                .withResourceVersion(meta.getResourceVersion()).withFieldPath(fieldPath).build();
        String key = meta.getUid() + "/" + fieldPath + "/" + type + "/" + reason + "/" + message;
        String now = Instant.now().toString();
        sender.execute(() -> {
            try {
                Event previous;
                synchronized (posted) {
                    previous = posted.get(key);
                }
                Event event;
                if (previous != null) {
                    previous.setCount(previous.getCount() + 1);
                    previous.setLastTimestamp(now);
                    MergePatch.send(client, "/api/v1/namespaces/" + ns + "/events/" + previous.getMetadata().getName(),
                            Map.of("count", previous.getCount(), "lastTimestamp", now));
                    event = previous;
                } else {
                    event = client.v1().events().inNamespace(ns).resource(new EventBuilder()
                            .withNewMetadata().withName(meta.getName() + "." + Long.toHexString(System.nanoTime()))
                            .withNamespace(ns).endMetadata()
                            .withInvolvedObject(ref).withType(type).withReason(reason).withMessage(message)
                            .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                            .withNewSource().withComponent(component).withHost(host).endSource()
                            .withReportingComponent(component).withReportingInstance(host)
                            .build()).create();
                }
                synchronized (posted) {
                    posted.put(key, event);
                }
            } catch (RuntimeException e) {
                LOG.debug("event {} for {}/{} not posted: {}", reason, ns, meta.getName(), e.toString());
                synchronized (posted) {
                    posted.remove(key);
                }
            }
        });
    }

    @Override
    public void close() {
        sender.shutdownNow();
    }
}
