package io.coxswain.schemas;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Kubernetes resource quantity such as {@code 500m}, {@code 1Gi}, {@code 1e3} or {@code 0.5}. */
public final class Quantity implements Comparable<Quantity> {

    private static final Pattern FORM = Pattern.compile(
            "^([+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+))(?:([KMGTPE]i)|([numkMGTPE])|[eE]([+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)))?$");
    private static final Map<String, BigDecimal> BINARY = Map.of(
            "Ki", BigDecimal.valueOf(2).pow(10), "Mi", BigDecimal.valueOf(2).pow(20), "Gi", BigDecimal.valueOf(2).pow(30),
            "Ti", BigDecimal.valueOf(2).pow(40), "Pi", BigDecimal.valueOf(2).pow(50), "Ei", BigDecimal.valueOf(2).pow(60));
    private static final Map<String, Integer> DECIMAL_EXPONENT = Map.of(
            "n", -9, "u", -6, "m", -3, "k", 3, "M", 6, "G", 9, "T", 12, "P", 15, "E", 18);

    private final String text;
    private final BigDecimal value;

    private Quantity(String text, BigDecimal value) {
        this.text = text;
        this.value = value;
    }

    /** Parses the string form, or returns empty when it is not a quantity. */
    public static Optional<Quantity> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        BigDecimal number = new BigDecimal(m.group(1));
        if (m.group(2) != null) {
            number = number.multiply(BINARY.get(m.group(2)));
        } else if (m.group(3) != null) {
            number = number.scaleByPowerOfTen(DECIMAL_EXPONENT.get(m.group(3)));
        } else if (m.group(4) != null) {
            BigDecimal exponent = new BigDecimal(m.group(4));
            if (exponent.abs().compareTo(BigDecimal.valueOf(1000)) > 0) {
                return Optional.empty();
            }
            number = number.scaleByPowerOfTen(exponent.intValueExact());
        }
        return Optional.of(new Quantity(text, number));
    }

    public static Optional<Quantity> of(com.fasterxml.jackson.databind.JsonNode node) {
        if (node.isNumber()) {
            return Optional.of(new Quantity(node.asText(), node.decimalValue()));
        }
        return node.isTextual() ? parse(node.asText()) : Optional.empty();
    }

    /** The amount in base units: cores for cpu, bytes for memory. */
    public BigDecimal value() {
        return value;
    }

    public boolean isNegative() {
        return value.signum() < 0;
    }

    @Override
    public int compareTo(Quantity other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return text;
    }
}
