package io.coxswain.apiserver.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.api.ApiException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ConfigMapStrategyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ConfigMapStrategy strategy = new ConfigMapStrategy();

    private static ObjectNode cm(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }

    @Test
    void anImmutableConfigMapKeepsItsDataAndStaysImmutable() throws Exception {
        ObjectNode current = cm("{\"metadata\":{\"name\":\"settings\",\"labels\":{\"a\":\"1\"}},\"immutable\":true,\"data\":{\"k\":\"v\"}}");
        ApiException e = catchThrowableOfType(() -> strategy.validateUpdate(null, current,
                cm("{\"metadata\":{\"name\":\"settings\"},\"immutable\":false,\"data\":{\"k\":\"w\"},\"binaryData\":{\"b\":\"AA==\"}}")),
                ApiException.class);
        assertThat(e.getMessage()).isEqualTo("ConfigMap \"settings\" is invalid: [immutable: Forbidden: field is immutable when "
                + "`immutable` is set, data: Forbidden: field is immutable when `immutable` is set, binaryData: Forbidden: field is "
                + "immutable when `immutable` is set]");
        // its metadata may still change, and an empty map is no map
        assertThatCode(() -> strategy.validateUpdate(null, current,
                cm("{\"metadata\":{\"name\":\"settings\",\"labels\":{\"a\":\"2\"}},\"immutable\":true,\"data\":{\"k\":\"v\"},\"binaryData\":{}}")))
                .doesNotThrowAnyException();
    }

    @Test
    void aMutableOneChangesFreelyAndMayBecomeImmutable() throws Exception {
        assertThatCode(() -> strategy.validateUpdate(null, cm("{\"metadata\":{\"name\":\"m\"},\"data\":{\"k\":\"v\"}}"),
                cm("{\"metadata\":{\"name\":\"m\"},\"immutable\":true,\"data\":{\"k\":\"w\"}}"))).doesNotThrowAnyException();
    }
}
