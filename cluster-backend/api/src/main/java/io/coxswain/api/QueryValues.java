package io.coxswain.api;

/**
 * Query parameter values decoded as apimachinery's conversion decodes them ({@code Convert_Slice_string_To_bool},
 * {@code Convert_Slice_string_To_int64}), so that every client's spelling means what it means to kube-apiserver:
 * the Python client sends {@code watch=True}, curl users send {@code ?watch} or {@code ?watch=1}.
 */
public final class QueryValues {

    private QueryValues() {
    }

    /** Absent, {@code 0} and {@code false} in any case are false; anything else, the empty value included, is true. */
    public static boolean bool(String value) {
        return value != null && !value.equals("0") && !value.equalsIgnoreCase("false");
    }

    /** Absent is null; a value that is not a base-10 64-bit integer, the empty one included, is a 400 naming the parameter. */
    public static Long int64(String name, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("the query parameter " + name + " must be a whole number, not \"" + value + "\"");
        }
    }
}
