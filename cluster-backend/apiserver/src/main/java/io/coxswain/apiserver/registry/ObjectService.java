package io.coxswain.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.api.ApiException;
import io.coxswain.apiserver.admission.Defaulter;
import io.coxswain.apiserver.admission.PodSecurity;
import io.coxswain.apiserver.admission.SchemaAdmission;
import io.coxswain.apiserver.patch.ManagedFields;
import io.coxswain.schemas.SchemaCatalog;
import io.coxswain.schemas.SchemaNavigator;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The verbs on objects, as kube-apiserver's generic registry carries them out: metadata the server owns
 * (uid, creation time, generation, resourceVersion), defaulting, admission with the shared schemas,
 * optimistic concurrency, dry runs, graceful and finalizer-aware deletion. Independent of HTTP.
 */
public final class ObjectService {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final char[] NAME_SUFFIX = "bcdfghjklmnpqrstvwxz2456789".toCharArray();
    private static final List<String> SERVER_OWNED = List.of("uid", "resourceVersion", "creationTimestamp", "deletionTimestamp",
            "deletionGracePeriodSeconds", "generation", "selfLink");

    private final ResourceRegistry registry;
    private final ObjectStore store;
    private final SchemaAdmission admission;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final SchemaNavigator navigator = new SchemaNavigator(SchemaCatalog.standard());
    private final PodSecurity podSecurity;
    private volatile WriteGuard guard = WriteGuard.NONE;

    /**
     * A validating admission step that depends on who writes: it sees the object before (null on create) and after, and
     * throws an ApiException to refuse. RBAC's escalation check is one.
     */
    public interface WriteGuard {
        WriteGuard NONE = (r, namespace, before, after, options) -> { };

        void check(ResourceInfo r, String namespace, ObjectNode before, ObjectNode after, WriteOptions options);

        /** Every one of these guards, in order. */
        static WriteGuard all(WriteGuard... guards) {
            return (r, namespace, before, after, options) -> {
                for (WriteGuard g : guards) {
                    g.check(r, namespace, before, after, options);
                }
            };
        }
    }

    /** Installs the guard every create and update passes (after the schemas and Pod Security). */
    public void guard(WriteGuard writeGuard) {
        this.guard = writeGuard;
    }

    public ObjectService(ResourceRegistry registry, ObjectStore store, SchemaAdmission admission, Clock clock) {
        this(registry, store, admission, clock, new PodSecurity(PodSecurity.Level.BASELINE));
    }

    public ObjectService(ResourceRegistry registry, ObjectStore store, SchemaAdmission admission, Clock clock,
                         PodSecurity podSecurity) {
        this.podSecurity = podSecurity;
        this.registry = registry;
        this.store = store;
        this.admission = admission;
        this.clock = clock;
    }

    public ResourceRegistry registry() {
        return registry;
    }

    public ObjectStore store() {
        return store;
    }

    private String now() {
        return Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    // ---- reads ----

    public CompletableFuture<ObjectNode> get(ResourceInfo r, String namespace, String name) {
        return store.require(r, namespace, name).thenApply(StoredObject::object);
    }

    /** A list object; with selectors, pages are filled from as many store pages as it takes. */
    public CompletableFuture<ObjectNode> list(ResourceInfo r, String namespace, ListOptions options) {
        List<ObjectNode> items = new ArrayList<>();
        return fill(r, namespace, options, options.continueToken(), items).thenApply(last -> {
            ObjectNode list = NODES.objectNode();
            list.put("kind", r.kind() + "List").put("apiVersion", r.gvk().apiVersion());
            ObjectNode meta = list.putObject("metadata");
            meta.put("resourceVersion", Long.toString(last.revision()));
            if (last.continueToken() != null) {
                meta.put("continue", last.continueToken());
                if (!options.selects()) {
                    meta.put("remainingItemCount", last.remaining());
                }
            }
            ArrayNode array = list.putArray("items");
            items.forEach(array::add);
            return list;
        });
    }

    private CompletableFuture<ObjectStore.Page> fill(ResourceInfo r, String namespace, ListOptions options, String token,
                                                     List<ObjectNode> into) {
        int want = options.limit() <= 0 ? 0 : options.limit() - into.size();
        return store.list(r, namespace, want, token).thenCompose(page -> {
            for (ObjectNode o : page.items()) {
                if (options.matches(o)) {
                    into.add(o);
                }
            }
            boolean full = options.limit() > 0 && into.size() >= options.limit();
            if (page.continueToken() == null || full || options.limit() <= 0) {
                return CompletableFuture.completedFuture(page);
            }
            return fill(r, namespace, options, page.continueToken(), into);
        });
    }

    // ---- create ----

    public CompletableFuture<WriteResult> create(ResourceInfo r, String namespace, ObjectNode body, WriteOptions options) {
        try {
            checkKind(r, body);
            ObjectNode meta = metadata(body);
            String ns = namespaceFor(r, namespace, meta);
            for (String field : SERVER_OWNED) {
                meta.remove(field);
            }
            if (meta.path("name").asText("").isEmpty()) {
                String prefix = meta.path("generateName").asText("");
                if (prefix.isEmpty()) {
                    throw ApiException.invalid(r.gvk().group(), r.kind(), "", List.of(new ApiException.Cause("FieldValueRequired",
                            "Required value: name or generateName is required", "metadata.name")));
                }
                meta.put("name", prefix + suffix());
            }
            String name = meta.get("name").asText();
            meta.put("uid", UUID.randomUUID().toString());
            meta.put("creationTimestamp", now());
            // Also resets status and sets generation 1, as PrepareForCreate does; the Job's selector needs the uid.
            Defaulter.apply(r.gvk(), body, Defaulter.Operation.CREATE);
            ResourceStrategy strategy = registry.strategy(r);
            strategy.prepareForCreate(body, options.user());
            List<String> warnings = new ArrayList<>(admission.admit(r, body, options.fieldValidation()));
            strategy.validate(body);
            ObjectNode owned = recordOwnership(r, null, body, options);
            return requireLiveNamespace(r, ns, name).thenCompose(namespaceLabels -> {
                // validating admission, after the mutating steps: Pod Security on what would be stored
                warnings.addAll(podSecurity.admit(r.gvk().group(), r.kind(), null, owned, namespaceLabels));
                guard.check(r, ns, null, owned, options);
                strategy.allocate(owned);
                if (options.dryRun()) {
                    // a dry run shows what would be allocated and keeps none of it
                    strategy.release(owned);
                    return CompletableFuture.completedFuture(new WriteResult(owned, 201, warnings));
                }
                return store.create(r, ns, name, owned)
                        .whenComplete((stored, error) -> {
                            if (error != null) {
                                strategy.release(owned);
                            }
                        })
                        .thenApply(stored -> new WriteResult(stored.object(), 201, warnings));
            });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private String suffix() {
        char[] out = new char[5];
        for (int i = 0; i < out.length; i++) {
            out[i] = NAME_SUFFIX[random.nextInt(NAME_SUFFIX.length)];
        }
        return new String(out);
    }

    /** Fails unless the namespace exists and is not being deleted; gives its labels when Pod Security needs them. */
    private CompletableFuture<JsonNode> requireLiveNamespace(ResourceInfo r, String namespace, String name) {
        if (!r.namespaced()) {
            return CompletableFuture.completedFuture(null);
        }
        ResourceInfo namespaces = registry.find("v1", "namespaces").orElseThrow();
        return store.getRaw(namespaces, null, namespace).thenApply(ns -> {
            if (ns.isEmpty()) {
                throw ApiException.notFound("", "namespaces", namespace);
            }
            // Every create asks; the Namespace is decoded only when its stored JSON could hold the field at all.
            if (ObjectStore.mentions(ns.get().value(), "deletionTimestamp")
                    && ObjectStore.decode(ns.get()).path("metadata").has("deletionTimestamp")) {
                throw ApiException.forbidden(r.gvk().group(), r.plural(), name, "unable to create new content in namespace "
                        + namespace + " because it is being terminated");
            }
            return PodSecurity.holdsPods(r.gvk().group(), r.kind())
                    ? ObjectStore.decode(ns.get()).path("metadata").path("labels") : null;
        });
    }

    // ---- update ----

    /**
     * Replaces an object (PUT), or only its status. A resourceVersion in the body must still be current;
     * without one the update applies to whatever is current.
     */
    public CompletableFuture<WriteResult> update(ResourceInfo r, String namespace, String name, ObjectNode body,
                                                 WriteOptions options, boolean statusOnly) {
        try {
            checkKind(r, body);
            ObjectNode meta = metadata(body);
            String ns = namespaceFor(r, namespace, meta);
            if (!name.equals(meta.path("name").asText(name))) {
                throw ApiException.badRequest("the name of the object (" + meta.path("name").asText()
                        + ") does not match the name on the URL (" + name + ")");
            }
            meta.put("name", name);
            String expected = meta.path("resourceVersion").asText("");
            return replace(r, ns, name, options, current -> {
                if (!expected.isEmpty() && !expected.equals(current.path("metadata").path("resourceVersion").asText())) {
                    throw ApiException.conflict(r.gvk().group(), r.plural(), name,
                            "the object has been modified; please apply your changes to the latest version and try again");
                }
                return statusOnly ? registry.strategy(r).subresourceUpdate(options.subresource(), current, body)
                        : mergeForUpdate(r, current, body);
            });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * The common path of every change to an existing object: compute the new object from the current one,
     * default and admit it, then store it with compare-and-swap (retrying a lost race), or finish a
     * deletion whose finalizers are all gone.
     */
    public CompletableFuture<WriteResult> replace(ResourceInfo r, String namespace, String name, WriteOptions options,
                                                  Function<ObjectNode, ObjectNode> change) {
        if (namespace != null && PodSecurity.holdsPods(r.gvk().group(), r.kind())) {
            return namespaceLabels(namespace).thenCompose(labels -> replace(r, namespace, name, options, change, labels));
        }
        return replace(r, namespace, name, options, change, null);
    }

    private CompletableFuture<JsonNode> namespaceLabels(String namespace) {
        ResourceInfo namespaces = registry.find("v1", "namespaces").orElseThrow();
        return store.getRaw(namespaces, null, namespace)
                .thenApply(ns -> ns.map(kv -> ObjectStore.decode(kv).path("metadata").path("labels")).orElse(null));
    }

    private CompletableFuture<WriteResult> replace(ResourceInfo r, String namespace, String name, WriteOptions options,
                                                   Function<ObjectNode, ObjectNode> change, JsonNode namespaceLabels) {
        List<String> warnings = new ArrayList<>();
        ObjectNode[] dryRunResult = new ObjectNode[1];
        boolean[] finished = new boolean[1];
        CompletableFuture<StoredObject> stored = store.guaranteedUpdate(r, namespace, name, current -> {
            ObjectNode changed = change.apply(current.object().deepCopy());
            keepServerFields(r, current.object(), changed);
            ResourceStrategy strategy = registry.strategy(r);
            strategy.prepareForUpdate(options.subresource(), current.object(), changed);
            ObjectNode next = changed;
            Defaulter.apply(r.gvk(), next, Defaulter.Operation.UPDATE);
            warnings.clear();
            warnings.addAll(admission.admit(r, next, options.fieldValidation()));
            strategy.validateUpdate(options.subresource(), current.object(), next);
            warnings.addAll(podSecurity.admit(r.gvk().group(), r.kind(), current.object(), next, namespaceLabels));
            guard.check(r, namespace, current.object(), next, options);
            next = recordOwnership(r, current.object(), next, options);
            boolean deleting = next.path("metadata").has("deletionTimestamp");
            if (deleting && next.path("metadata").path("finalizers").isEmpty() && !strategy.deletionHeld(next)) {
                finished[0] = true;
            }
            if (options.dryRun() || finished[0] || sameContent(current.object(), next)) {
                dryRunResult[0] = options.dryRun() || finished[0] ? next : current.object();
                return CompletableFuture.failedFuture(new NoWrite());
            }
            return CompletableFuture.completedFuture(next);
        });
        return stored.thenApply(s -> new WriteResult(s.object(), 200, List.copyOf(warnings)))
                .exceptionallyCompose(error -> {
                    if (!(unwrap(error) instanceof NoWrite)) {
                        return CompletableFuture.failedFuture(ObjectStore.translate(error, r, name));
                    }
                    if (finished[0] && !options.dryRun()) {
                        return removeNow(r, namespace, name, dryRunResult[0]).thenApply(o -> new WriteResult(o, 200, List.copyOf(warnings)));
                    }
                    return CompletableFuture.completedFuture(new WriteResult(dryRunResult[0], 200, List.copyOf(warnings)));
                });
    }

    /** Gives the request's field manager the fields it set, as an Update entry in managedFields. */
    private ObjectNode recordOwnership(ResourceInfo r, ObjectNode before, ObjectNode after, WriteOptions options) {
        if (options.apply() || options.fieldManager() == null) {
            return after;
        }
        // after is this request's own object (a decoded body, or a copy of the stored one): written in place.
        ManagedFields.recordUpdateInPlace(before, after, options.fieldManager(), r.gvk().apiVersion(),
                navigator.root(r.schema()), Instant.now(clock));
        return after;
    }

    /** Signals, through the update pipeline, that there is nothing to store. */
    private static final class NoWrite extends RuntimeException {
        NoWrite() {
            super(null, null, false, false);
        }
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof java.util.concurrent.CompletionException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * The same fields and values, in any order (managedFields written again after metadata's other fields is no
     * change), numbers compared by value (a default written as a long equals the int read back from the store).
     */
    private static boolean sameContent(ObjectNode current, ObjectNode next) {
        return current.equals(SAME_VALUE, next);
    }

    private static final java.util.Comparator<JsonNode> SAME_VALUE = (a, b) -> a.equals(b)
            || a.isNumber() && b.isNumber() && a.decimalValue().compareTo(b.decimalValue()) == 0 ? 0 : 1;

    /** A PUT of the main resource: the body, with what the server owns taken from the current object. */
    private static ObjectNode mergeForUpdate(ResourceInfo r, ObjectNode current, ObjectNode body) {
        ObjectNode next = body.deepCopy();
        if (r.hasStatus()) {
            if (current.has("status")) {
                next.set("status", current.get("status"));
            } else {
                next.remove("status");
            }
        }
        return next;
    }

    /** What no client may change with an update: identity, creation, deletion state; generation follows spec changes. */
    private static void keepServerFields(ResourceInfo r, ObjectNode current, ObjectNode next) {
        ObjectNode meta = metadata(next);
        JsonNode was = current.path("metadata");
        for (String field : List.of("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "namespace")) {
            if (was.has(field)) {
                meta.set(field, was.get(field));
            } else {
                meta.remove(field);
            }
        }
        meta.remove("selfLink");
        meta.put("resourceVersion", was.path("resourceVersion").asText());
        // Kinds that count generations got generation 1 on create (pods, in 1.32, do not count them).
        if (was.has("generation")) {
            long generation = was.get("generation").asLong();
            meta.put("generation", specChanged(current, next) ? generation + 1 : generation);
        } else {
            meta.remove("generation");
        }
    }

    private static boolean specChanged(ObjectNode current, ObjectNode next) {
        Iterator<String> fields = next.fieldNames();
        List<String> names = new ArrayList<>();
        fields.forEachRemaining(names::add);
        current.fieldNames().forEachRemaining(f -> {
            if (!names.contains(f)) {
                names.add(f);
            }
        });
        for (String f : names) {
            if (f.equals("metadata") || f.equals("status") || f.equals("kind") || f.equals("apiVersion")) {
                continue;
            }
            if (!Objects.equals(current.get(f), next.get(f))) {
                return true;
            }
        }
        return false;
    }

    // ---- delete ----

    public CompletableFuture<WriteResult> delete(ResourceInfo r, String namespace, String name, DeleteOptions options) {
        return store.require(r, namespace, name).thenCompose(current -> {
            ObjectNode object = current.object();
            JsonNode meta = object.path("metadata");
            if (options.uid() != null && !options.uid().equals(meta.path("uid").asText())) {
                throw ApiException.conflict(r.gvk().group(), r.plural(), name, "Precondition failed: UID in precondition: " + options.uid()
                        + ", UID in object meta: " + meta.path("uid").asText());
            }
            if (options.resourceVersion() != null && !options.resourceVersion().equals(meta.path("resourceVersion").asText())) {
                throw ApiException.conflict(r.gvk().group(), r.plural(), name, "Precondition failed: ResourceVersion in precondition: "
                        + options.resourceVersion() + ", ResourceVersion in object meta: " + meta.path("resourceVersion").asText());
            }
            List<String> finalizers = new ArrayList<>();
            meta.path("finalizers").forEach(f -> finalizers.add(f.asText()));
            String policy = options.propagationPolicy();
            if ("Foreground".equals(policy) && !finalizers.contains("foregroundDeletion")) {
                finalizers.add("foregroundDeletion");
            } else if ("Orphan".equals(policy) && !finalizers.contains("orphan")) {
                finalizers.add("orphan");
            }
            ResourceStrategy strategy = registry.strategy(r);
            long grace = strategy.gracePeriod(object, options.gracePeriodSeconds());
            if (finalizers.isEmpty() && grace == 0 && !strategy.deletionHeld(object)) {
                CompletableFuture<ObjectNode> gone = options.dryRun() ? CompletableFuture.completedFuture(object)
                        : removeNow(r, namespace, name, object);
                return gone.thenApply(o -> new WriteResult(r.returnsDeletedObject() ? o : deletedStatus(r, o), 200, List.of()));
            }
            return markDeleting(r, namespace, name, finalizers, grace, options);
        });
    }

    /** The registry's finalizeDelete for a kind that does not return the object: a Success Status naming what went. */
    private static ObjectNode deletedStatus(ResourceInfo r, ObjectNode deleted) {
        ObjectNode status = JsonNodeFactory.instance.objectNode().put("kind", "Status").put("apiVersion", "v1");
        status.putObject("metadata");
        status.put("status", "Success");
        ObjectNode details = status.putObject("details").put("name", deleted.path("metadata").path("name").asText());
        if (!r.gvk().group().isEmpty()) {
            details.put("group", r.gvk().group());
        }
        details.put("kind", r.plural()).put("uid", deleted.path("metadata").path("uid").asText());
        return status;
    }

    /** Sets deletionTimestamp (and the pod's grace period) and the finalizers; the object goes when they are done. */
    private CompletableFuture<WriteResult> markDeleting(ResourceInfo r, String namespace, String name, List<String> finalizers,
                                                        long grace, DeleteOptions options) {
        WriteOptions write = new WriteOptions(options.dryRun(), io.coxswain.apiserver.admission.FieldValidation.IGNORE, null);
        return replaceMetadata(r, namespace, name, write, current -> {
            ObjectNode meta = metadata(current);
            Instant deadline = Instant.now(clock).plusSeconds(grace).truncatedTo(ChronoUnit.SECONDS);
            if (!meta.has("deletionTimestamp") || (grace > 0 && Instant.parse(meta.get("deletionTimestamp").asText()).isAfter(deadline))) {
                meta.put("deletionTimestamp", deadline.toString());
                meta.put("deletionGracePeriodSeconds", grace);
            }
            ArrayNode list = meta.putArray("finalizers");
            finalizers.forEach(list::add);
            if (finalizers.isEmpty()) {
                meta.remove("finalizers");
            }
            registry.strategy(r).prepareForDelete(current);
            return current;
        }).thenApply(w -> new WriteResult(w.object(), 200, List.of()));
    }

    /** Like {@link #replace} but for server-made changes to deletion state, which an update may not make. */
    private CompletableFuture<WriteResult> replaceMetadata(ResourceInfo r, String namespace, String name, WriteOptions options,
                                                           Function<ObjectNode, ObjectNode> change) {
        return store.guaranteedUpdate(r, namespace, name, current -> {
            ObjectNode next = change.apply(current.object().deepCopy());
            if (options.dryRun()) {
                return CompletableFuture.failedFuture(new NoWrite());
            }
            return CompletableFuture.completedFuture(next);
        }).thenApply(s -> new WriteResult(s.object(), 200, List.of()));
    }

    /** Removes the object from the store and frees what it held. */
    private CompletableFuture<ObjectNode> removeNow(ResourceInfo r, String namespace, String name, ObjectNode last) {
        return store.delete(r, namespace, name, 0).thenApply(deleted -> {
            registry.strategy(r).release(deleted.object());
            return deleted.object();
        });
    }

    public CompletableFuture<ObjectNode> deleteCollection(ResourceInfo r, String namespace, ListOptions selection,
                                                          DeleteOptions options) {
        return list(r, namespace, new ListOptions(selection.labels(), selection.fields(), 0, null)).thenCompose(list -> {
            // as the registry's DeleteCollection: the list holds the items as listed, those whose deletion went through
            List<CompletableFuture<JsonNode>> deletions = new ArrayList<>();
            for (JsonNode item : list.path("items")) {
                deletions.add(delete(r, item.path("metadata").path("namespace").asText(null), item.path("metadata").path("name").asText(),
                        options).<JsonNode>thenApply(w -> item).exceptionally(e -> null));
            }
            return CompletableFuture.allOf(deletions.toArray(CompletableFuture[]::new)).thenApply(v -> {
                ArrayNode items = NODES.arrayNode();
                deletions.forEach(d -> {
                    JsonNode deleted = d.join();
                    if (deleted != null) {
                        items.add(deleted);
                    }
                });
                ObjectNode out = NODES.objectNode().put("kind", r.kind() + "List").put("apiVersion", r.gvk().apiVersion());
                out.putObject("metadata");
                out.set("items", items);
                return out;
            });
        });
    }

    // ---- helpers ----

    private static ObjectNode metadata(ObjectNode object) {
        JsonNode meta = object.get("metadata");
        if (meta == null || meta.isNull()) {
            return object.putObject("metadata");
        }
        if (!meta.isObject()) {
            throw ApiException.badRequest("metadata must be an object");
        }
        return (ObjectNode) meta;
    }

    private static String namespaceFor(ResourceInfo r, String pathNamespace, ObjectNode meta) {
        if (!r.namespaced()) {
            meta.remove("namespace");
            return null;
        }
        String ns = meta.path("namespace").asText("");
        if (!ns.isEmpty() && pathNamespace != null && !ns.equals(pathNamespace)) {
            throw ApiException.badRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
        String chosen = pathNamespace != null ? pathNamespace : ns.isEmpty() ? "default" : ns;
        meta.put("namespace", chosen);
        return chosen;
    }

    private static void checkKind(ResourceInfo r, ObjectNode body) {
        String apiVersion = body.path("apiVersion").asText("");
        String kind = body.path("kind").asText("");
        if (apiVersion.isEmpty()) {
            body.put("apiVersion", r.gvk().apiVersion());
        } else if (!apiVersion.equals(r.gvk().apiVersion())) {
            throw ApiException.badRequest("the API version in the data (" + apiVersion + ") does not match the expected API version ("
                    + r.gvk().apiVersion() + ")");
        }
        if (kind.isEmpty()) {
            body.put("kind", r.kind());
        } else if (!kind.equals(r.kind())) {
            throw ApiException.badRequest(r.kind() + " in version \"" + r.gvk().version() + "\" cannot be handled as a " + r.kind()
                    + ": the kind in the data (" + kind + ") does not match the expected kind (" + r.kind() + ")");
        }
    }
}
