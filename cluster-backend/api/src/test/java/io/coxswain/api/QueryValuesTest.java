package io.coxswain.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Query values as apimachinery's Convert_Slice_string_To_bool and Convert_Slice_string_To_int64 decode them. */
class QueryValuesTest {

    @Test
    void onlyAbsentZeroAndFalseInAnyCaseAreFalse() {
        assertThat(QueryValues.bool(null)).isFalse();
        for (String no : new String[] {"0", "false", "False", "FALSE", "fAlSe"}) {
            assertThat(QueryValues.bool(no)).as(no).isFalse();
        }
        // the Python client's watch=True, curl's ?watch (an empty value), and anything else
        for (String yes : new String[] {"true", "True", "TRUE", "1", "", "yes", "2", "no", "00"}) {
            assertThat(QueryValues.bool(yes)).as("\"" + yes + "\"").isTrue();
        }
    }

    @Test
    void integersAreBase10WithASignAndAnEmptyValueIsRefused() {
        assertThat(QueryValues.int64("limit", null)).isNull();
        assertThat(QueryValues.int64("limit", "500")).isEqualTo(500L);
        assertThat(QueryValues.int64("limit", "-3")).isEqualTo(-3L);
        assertThat(QueryValues.int64("limit", "+7")).isEqualTo(7L);
        assertThat(QueryValues.int64("limit", "9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        for (String bad : new String[] {"", "abc", "1.5", "0x10", "9223372036854775808", " 1"}) {
            assertThatThrownBy(() -> QueryValues.int64("limit", bad)).as("\"" + bad + "\"").isInstanceOfSatisfying(ApiException.class,
                    e -> {
                        assertThat(e.code()).isEqualTo(400);
                        assertThat(e.getMessage()).contains("limit").contains("\"" + bad + "\"");
                    });
        }
    }
}
