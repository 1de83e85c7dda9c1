package io.coxswain.apiserver.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.api.ApiException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class SecretStrategyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final SecretStrategy strategy = new SecretStrategy();

    private static ObjectNode secret(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }

    @Test
    void stringDataIsEncodedIntoDataOverTheSameKeyAndNotKept() throws Exception {
        ObjectNode s = secret("{\"metadata\":{\"name\":\"db\"},\"data\":{\"user\":\"YWRtaW4=\",\"pass\":\"eA==\"},"
                + "\"stringData\":{\"pass\":\"s3cr3t\",\"host\":\"db.local\"}}");
        strategy.prepareForCreate(s, null);
        assertThat(s.toString()).isEqualTo("{\"metadata\":{\"name\":\"db\"},\"data\":{\"user\":\"YWRtaW4=\",\"pass\":\"czNjcjN0\","
                + "\"host\":\"ZGIubG9jYWw=\"},\"type\":\"Opaque\"}");
        ObjectNode only = secret("{\"metadata\":{\"name\":\"x\"},\"type\":\"custom/kind\",\"stringData\":{\"k\":\"v\"}}");
        strategy.prepareForUpdate(null, only.deepCopy(), only);
        assertThat(only.toString()).isEqualTo("{\"metadata\":{\"name\":\"x\"},\"type\":\"custom/kind\",\"data\":{\"k\":\"dg==\"}}");
    }

    @Test
    void dataThatIsNotBase64IsABadRequestNamingTheKey() throws Exception {
        for (String bad : new String[] {"not base64!", "YWJj=", "YWJjZA"}) {
            ApiException e = catchThrowableOfType(() -> strategy.prepareForCreate(
                    secret("{\"metadata\":{\"name\":\"db\"},\"data\":{\"password\":\"" + bad + "\"}}"), null), ApiException.class);
            assertThat(e.code()).as(bad).isEqualTo(400);
            assertThat(e.getMessage()).as(bad).startsWith("Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte ")
                    .contains("data[password]");
        }
        assertThatCode(() -> strategy.prepareForCreate(secret("{\"metadata\":{\"name\":\"db\"},\"data\":{\"a\":\"YWJj\\nZA==\",\"e\":\"\"}}"), null))
                .doesNotThrowAnyException();
    }

    @Test
    void wellKnownTypesNeedTheirKeys() throws Exception {
        assertThat(invalid("{\"metadata\":{\"name\":\"web\"},\"type\":\"kubernetes.io/tls\",\"data\":{\"tls.crt\":\"eA==\"}}"))
                .isEqualTo("Secret \"web\" is invalid: data[tls.key]: Required value");
        assertThat(invalid("{\"metadata\":{\"name\":\"b\"},\"type\":\"kubernetes.io/basic-auth\",\"data\":{}}"))
                .isEqualTo("Secret \"b\" is invalid: [data[username]: Required value, data[password]: Required value]");
        assertThat(invalid("{\"metadata\":{\"name\":\"r\"},\"type\":\"kubernetes.io/dockerconfigjson\",\"data\":{\".dockerconfigjson\":\"eyJ4\"}}"))
                .startsWith("Secret \"r\" is invalid: data[.dockerconfigjson]: Invalid value: \"<secret contents redacted>\": ");
        assertThat(invalid("{\"metadata\":{\"name\":\"t\"},\"type\":\"kubernetes.io/service-account-token\"}"))
                .isEqualTo("Secret \"t\" is invalid: metadata.annotations[kubernetes.io/service-account.name]: Required value");
        assertThatCode(() -> strategy.validate(secret("{\"metadata\":{\"name\":\"b\"},\"type\":\"kubernetes.io/basic-auth\","
                + "\"data\":{\"password\":\"\"}}"))).doesNotThrowAnyException();
        assertThatCode(() -> strategy.validate(secret("{\"metadata\":{\"name\":\"r\"},\"type\":\"kubernetes.io/dockerconfigjson\","
                + "\"data\":{\".dockerconfigjson\":\"eyJhdXRocyI6e319\"}}"))).doesNotThrowAnyException();
    }

    @Test
    void theTypeNeverChangesAndImmutableFreezesTheData() throws Exception {
        ObjectNode current = secret("{\"metadata\":{\"name\":\"s\"},\"type\":\"Opaque\",\"immutable\":true,\"data\":{\"k\":\"dg==\"}}");
        ApiException e = catchThrowableOfType(() -> strategy.validateUpdate(null, current,
                secret("{\"metadata\":{\"name\":\"s\"},\"type\":\"kubernetes.io/basic-auth\",\"data\":{\"username\":\"dg==\"}}")),
                ApiException.class);
        assertThat(e.getMessage()).isEqualTo("Secret \"s\" is invalid: [type: Invalid value: \"kubernetes.io/basic-auth\": field is "
                + "immutable, immutable: Forbidden: field is immutable when `immutable` is set, data: Forbidden: field is immutable when "
                + "`immutable` is set]");
        assertThatCode(() -> strategy.validateUpdate(null, current, secret("{\"metadata\":{\"name\":\"s\",\"labels\":{\"a\":\"b\"}},"
                + "\"type\":\"Opaque\",\"immutable\":true,\"data\":{\"k\":\"dg==\"}}"))).doesNotThrowAnyException();
    }

    @Test
    void keysMustBeConfigKeysAndTheTotalAtMostOneMebibyte() throws Exception {
        ApiException badKeys = catchThrowableOfType(() -> strategy.prepareForCreate(
                secret("{\"metadata\":{\"name\":\"k\"},\"stringData\":{\"a/b\":\"x\",\"..hidden\":\"y\"}}"), null), ApiException.class);
        assertThat(badKeys.code()).isEqualTo(422);
        assertThat(badKeys.getMessage()).isEqualTo("Secret \"k\" is invalid: [data[a/b]: Invalid value: \"a/b\": a valid config key must consist of alphanumeric "
                        + "characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is "
                        + "'[-._a-zA-Z0-9]+'), data[..hidden]: Invalid value: \"..hidden\": must not start with '..']");
        String big = java.util.Base64.getEncoder().encodeToString(new byte[SecretStrategy.MAX_SIZE / 2 + 1]);
        assertThat(invalid("{\"metadata\":{\"name\":\"big\"},\"data\":{\"a\":\"" + big + "\",\"b\":\"" + big + "\"}}"))
                .isEqualTo("Secret \"big\" is invalid: data: Too long: must have at most 1048576 bytes");
        assertThatCode(() -> strategy.validate(secret("{\"metadata\":{\"name\":\"ok\"},\"data\":{\"A_b-c.d\":\"\"}}")))
                .doesNotThrowAnyException();
    }

    private String invalid(String json) throws Exception {
        ObjectNode s = secret(json);
        strategy.prepareForCreate(s, null);
        ApiException e = catchThrowableOfType(() -> strategy.validate(s), ApiException.class);
        assertThat(e).as(json).isNotNull();
        assertThat(e.code()).isEqualTo(422);
        return e.getMessage();
    }
}
