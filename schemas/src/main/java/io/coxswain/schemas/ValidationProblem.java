package io.coxswain.schemas;

/**
 * One problem in a manifest.
 *
 * @param pointer JSON pointer to the offending node, or to where a missing field belongs
 */
public record ValidationProblem(String pointer, String message, ProblemCategory category) {

    /** The pointer as a Kubernetes field path, such as {@code spec.containers[0].image}. */
    public String fieldPath() {
        return FieldPath.fromPointer(pointer);
    }

    @Override
    public String toString() {
        return (pointer.isEmpty() ? "/" : pointer) + ": " + message + " [" + category + "]";
    }
}
