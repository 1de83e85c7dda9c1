package io.coxswain.apiserver.registry;

/**
 * A delete's options, from the query or a DeleteOptions body.
 *
 * @param gracePeriodSeconds null for the object's own default
 * @param propagationPolicy  Background, Foreground or Orphan; null for the kind's default
 * @param uid                precondition on the object's uid, or null
 * @param resourceVersion    precondition on the object's resourceVersion, or null
 */
public record DeleteOptions(Long gracePeriodSeconds, String propagationPolicy, String uid, String resourceVersion, boolean dryRun) {
}
