package io.coxswain.schemas;

/** What kind of mistake a validation problem is. Editors and the apiserver use it to choose wording and fixes. */
public enum ProblemCategory {
    /** A value of the wrong JSON type, such as a string where a number belongs. */
    TYPE,
    /** A required field is missing. */
    REQUIRED,
    /** A value outside a fixed set. */
    ENUM,
    /** A field the schema does not know. */
    UNKNOWN_FIELD,
    /** A string that does not have the required form: names, quantities, label keys. */
    PATTERN,
    /** A string that is not in its declared format, such as a date-time. */
    FORMAT,
    /** A number, length or count outside its bounds. */
    RANGE,
    /** A value that must be unique appears twice. */
    DUPLICATE,
    /** A value that is well-formed but breaks a rule between fields, such as a selector that misses its template. */
    INVALID,
    /** The apiVersion and kind name no known schema. */
    UNKNOWN_KIND
}
