package io.coxswain.schemas;

import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
import org.snakeyaml.engine.v2.schema.CoreSchema;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Resolves plain scalars the way Kubernetes's YAML reader (go-yaml v2, YAML 1.1) does: {@code yes} and
 * {@code on} are booleans, {@code 0644} is octal, {@code 1_000} and {@code 0b1010} are integers. Quoted
 * and explicitly tagged scalars never come here, so {@code "yes"} and {@code !!str yes} stay strings.
 */
final class KubernetesYamlResolver implements ScalarResolver {

    static final Set<String> TRUE = Set.of("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON");
    static final Set<String> FALSE = Set.of("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF");
    private static final Set<String> NULL = Set.of("", "~", "null", "Null", "NULL");
    private static final Pattern SPECIAL_FLOAT = Pattern.compile("^[-+]?\\.(inf|Inf|INF)$|^\\.(nan|NaN|NAN)$");

    /** The YAML schema with this resolver in place of the core schema's. */
    static final class Schema extends CoreSchema {
        @Override
        public ScalarResolver getScalarResolver() {
            return new KubernetesYamlResolver();
        }
    }

    @Override
    public Tag resolve(String value, Boolean implicit) {
        if (!implicit) {
            return Tag.STR;
        }
        if (NULL.contains(value)) {
            return Tag.NULL;
        }
        if (TRUE.contains(value) || FALSE.contains(value)) {
            return Tag.BOOL;
        }
        char first = value.charAt(0);
        if (Character.isDigit(first) || first == '+' || first == '-' || first == '.') {
            if (parseInteger(value).isPresent()) {
                return Tag.INT;
            }
            if (parseDecimal(value).isPresent() || SPECIAL_FLOAT.matcher(value).matches()) {
                return Tag.FLOAT;
            }
        }
        return Tag.STR;
    }

    /** An integer as Go's base-0 parser reads it after go-yaml drops underscores: 0x, 0o, 0b and leading-0 octal. */
    static Optional<BigInteger> parseInteger(String text) {
        String s = text.replace("_", "");
        boolean negative = s.startsWith("-");
        if (s.startsWith("-") || s.startsWith("+")) {
            s = s.substring(1);
        }
        if (s.isEmpty()) {
            return Optional.empty();
        }
        int radix = 10;
        if (s.length() > 2 && s.charAt(0) == '0' && "xXoObB".indexOf(s.charAt(1)) >= 0) {
            radix = switch (Character.toLowerCase(s.charAt(1))) {
                case 'x' -> 16;
                case 'o' -> 8;
                default -> 2;
            };
            s = s.substring(2);
        } else if (s.length() > 1 && s.charAt(0) == '0') {
            radix = 8;
            s = s.substring(1);
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), radix) < 0) {
                return Optional.empty();
            }
        }
        BigInteger value = new BigInteger(s, radix);
        return Optional.of(negative ? value.negate() : value);
    }

    static Optional<BigDecimal> parseDecimal(String text) {
        String s = text.replace("_", "");
        if (s.isEmpty() || !s.chars().anyMatch(Character::isDigit)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new BigDecimal(s));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
