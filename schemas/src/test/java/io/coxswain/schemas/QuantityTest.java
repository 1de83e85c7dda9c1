package io.coxswain.schemas;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;

class QuantityTest {

    @ParameterizedTest
    @CsvSource({
            "500m, 0.5",
            "1, 1",
            "0.5, 0.5",
            "1Ki, 1024",
            "128Mi, 134217728",
            "1Gi, 1073741824",
            "2k, 2000",
            "1M, 1000000",
            "1e3, 1000",
            "1.5E-3, 0.0015",
            "100n, 0.0000001",
            "-1, -1",
            ".5, 0.5",
    })
    void parsesTheSuffixesKubernetesKnows(String text, String value) {
        Quantity q = Quantity.parse(text).orElseThrow();
        assertThat(q.value()).isEqualByComparingTo(new BigDecimal(value));
        assertThat(q.toString()).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.5.5", "12XB", "1 Gi", "Gi", "1gi", "1e", "--1", "1e99999"})
    void rejectsWhatKubernetesRejects(String text) {
        assertThat(Quantity.parse(text)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"100m, 1, -1", "1Gi, 1024Mi, 0", "2, 1500m, 1"})
    void comparesByValue(String a, String b, int sign) {
        assertThat(Integer.signum(Quantity.parse(a).orElseThrow().compareTo(Quantity.parse(b).orElseThrow()))).isEqualTo(sign);
    }
}
