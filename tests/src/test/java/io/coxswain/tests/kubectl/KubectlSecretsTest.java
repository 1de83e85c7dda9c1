package io.coxswain.tests.kubectl;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

import static io.coxswain.tests.kubectl.KubectlSession.lines;
import static io.coxswain.tests.kubectl.KubectlSession.verified;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * core/v1 Secrets with real kubectl: the create generators (generic, tls, docker-registry), get's TYPE/DATA/AGE table
 * and describe with sizes only, stringData folded into data, base64 errors naming the key, the keys each type needs,
 * immutable and type that never change, and RBAC's get on secrets.
 */
class KubectlSecretsTest extends KubectlSuite {

    @Test
    void createGenericThenGetAndDescribeShowNoValues() throws Exception {
        assertThat(k.ok("create", "secret", "generic", "db", "--from-literal=user=admin", "--from-literal=password=s3cr3t!")
                .stdout().trim()).isEqualTo("secret/db created");
        assertThat(k.jsonpath("secret/db", "{.type} {.data.user} {.data.password}"))
                .isEqualTo("Opaque YWRtaW4= czNjcjN0IQ==");
        String table = k.ok("get", "secret", "db").stdout();
        assertThat(lines(table).get(0).split("\\s+")).containsExactly("NAME", "TYPE", "DATA", "AGE");
        assertThat(lines(table).get(1)).matches("db\\s+Opaque\\s+2\\s+\\d+s");
        assertThat(table).doesNotContain("admin").doesNotContain("s3cr3t");
        verified("create secret generic --from-literal; get secret (TYPE DATA AGE)");
        String yaml = k.ok("get", "secret", "db", "-o", "yaml").stdout();
        assertThat(yaml).containsPattern("(?m)^kind: Secret$").containsPattern("(?m)^type: Opaque$")
                .containsPattern("(?m)^  password: czNjcjN0IQ==$").containsPattern("(?m)^  user: YWRtaW4=$").doesNotContain("stringData");
        verified("get secret -o yaml (data as base64, no stringData)");
        String described = k.ok("describe", "secret", "db").stdout();
        assertThat(described).containsPattern("(?m)^Name:\\s+db$").containsPattern("(?m)^Type:\\s+Opaque$")
                .containsPattern("(?m)^password:\\s+7 bytes$").containsPattern("(?m)^user:\\s+5 bytes$")
                .doesNotContain("admin").doesNotContain("s3cr3t");
        verified("describe secret (sizes only)");
        assertThat(k.ok("explain", "secret.stringData").stdout()).contains("FIELD: stringData").contains("plain text");
        verified("explain secret.stringData");
    }

    @Test
    void stringDataIsFoldedIntoDataAndNotKept() throws Exception {
        k.okWithInput("""
                apiVersion: v1
                kind: Secret
                metadata: {name: folded}
                data: {user: YWRtaW4=, pass: eA==}
                stringData: {pass: plain text, host: db.local}
                """, "create", "-f", "-");
        assertThat(k.jsonpath("secret/folded", "{.data.user} {.data.pass} {.data.host}|{.stringData}"))
                .isEqualTo("YWRtaW4= " + b64("plain text") + " " + b64("db.local") + "|");
        k.okWithInput("""
                apiVersion: v1
                kind: Secret
                metadata: {name: folded}
                stringData: {pass: changed}
                """, "apply", "--server-side", "--force-conflicts", "-f", "-");
        assertThat(k.jsonpath("secret/folded", "{.data.pass}|{.stringData}")).isEqualTo(b64("changed") + "|");
        verified("create -f / apply --server-side with stringData (merged into data, not stored)");
    }

    @Test
    void dataThatIsNotBase64IsRefusedNamingTheKey() throws Exception {
        var r = tried("""
                apiVersion: v1
                kind: Secret
                metadata: {name: broken}
                data: {password: not base64!}
                """, "create", "-f", "-");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 3")
                .contains("data[password]");
        k.exits(1, "get", "secret", "broken");
        verified("create -f with bad base64: " + r.stderr().strip());
    }

    @Test
    void keysThatAreNotConfigKeysAreRefusedNamingTheKeyNotTheValue() throws Exception {
        var r = tried("""
                apiVersion: v1
                kind: Secret
                metadata: {name: bad-keys}
                data: {a/b: c2VjcmV0LXZhbHVl}
                """, "create", "-f", "-");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr().trim()).isEqualTo("The Secret \"bad-keys\" is invalid: data[a/b]: Invalid value: \"a/b\": a valid config key "
                + "must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used "
                + "for validation is '[-._a-zA-Z0-9]+')");
        k.exits(1, "get", "secret", "bad-keys");
        verified("create -f with a data key that is not a config key: kube's IsConfigMapKey message, no value shown");
    }

    @Test
    void tlsAndDockerRegistryGeneratorsAndRequiredKeys() throws Exception {
        Path key = k.write("tls.key", "");
        Path crt = k.write("tls.crt", "");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(),
                "-out", crt.toString(), "-subj", "/CN=web.example", "-days", "1").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(k.ok("create", "secret", "tls", "web-tls", "--cert", crt.toString(), "--key", key.toString()).stdout().trim())
                .isEqualTo("secret/web-tls created");
        assertThat(lines(k.ok("get", "secret", "web-tls").stdout()).get(1)).matches("web-tls\\s+kubernetes.io/tls\\s+2\\s+\\d+s");
        verified("create secret tls");
        assertThat(k.ok("create", "secret", "docker-registry", "reg", "--docker-server=registry.invalid", "--docker-username=u",
                "--docker-password=p").stdout().trim()).isEqualTo("secret/reg created");
        assertThat(k.jsonpath("secret/reg", "{.type}")).isEqualTo("kubernetes.io/dockerconfigjson");
        assertThat(new String(Base64.getDecoder().decode(k.jsonpath("secret/reg", "{.data.\\.dockerconfigjson}")), StandardCharsets.UTF_8))
                .contains("\"registry.invalid\"");
        verified("create secret docker-registry");

        var noKey = tried("""
                apiVersion: v1
                kind: Secret
                metadata: {name: half-tls}
                type: kubernetes.io/tls
                data: {tls.crt: eA==}
                """, "create", "-f", "-");
        assertThat(noKey.exitCode()).isEqualTo(1);
        assertThat(noKey.stderr()).contains("Secret \"half-tls\" is invalid: data[tls.key]: Required value");
        var basic = tried("""
                apiVersion: v1
                kind: Secret
                metadata: {name: no-login}
                type: kubernetes.io/basic-auth
                stringData: {other: x}
                """, "create", "-f", "-");
        assertThat(basic.exitCode()).isEqualTo(1);
        // kubectl lists the causes of an Invalid Status one a line
        assertThat(basic.stderr()).contains("The Secret \"no-login\" is invalid: \n* data[username]: Required value\n"
                + "* data[password]: Required value");
        var badJson = tried("""
                apiVersion: v1
                kind: Secret
                metadata: {name: bad-reg}
                type: kubernetes.io/dockerconfigjson
                stringData: {.dockerconfigjson: "{not json"}
                """, "create", "-f", "-");
        assertThat(badJson.exitCode()).isEqualTo(1);
        assertThat(badJson.stderr()).contains("data[.dockerconfigjson]: Invalid value: \"<secret contents redacted>\"");
        verified("create -f of a tls Secret without tls.key, basic-auth without username/password, bad dockerconfigjson: refused");
    }

    @Test
    void immutableAndTypeNeverChange() throws Exception {
        k.okWithInput("""
                apiVersion: v1
                kind: Secret
                metadata: {name: frozen}
                immutable: true
                stringData: {k: v}
                """, "create", "-f", "-");
        assertThat(k.exits(1, "patch", "secret", "frozen", "-p", "{\"data\":{\"k\":\"dw==\"}}").stderr().trim())
                .isEqualTo("The Secret \"frozen\" is invalid: data: Forbidden: field is immutable when `immutable` is set");
        assertThat(k.exits(1, "patch", "secret", "frozen", "-p", "{\"stringData\":{\"k\":\"w\"}}").stderr().trim())
                .isEqualTo("The Secret \"frozen\" is invalid: data: Forbidden: field is immutable when `immutable` is set");
        assertThat(k.exits(1, "patch", "secret", "frozen", "-p", "{\"immutable\":false}").stderr().trim())
                .isEqualTo("The Secret \"frozen\" is invalid: immutable: Forbidden: field is immutable when `immutable` is set");
        k.ok("label", "secret", "frozen", "tier=settings");
        assertThat(k.jsonpath("secret/frozen", "{.data.k} {.metadata.labels.tier}")).isEqualTo(b64("v") + " settings");
        k.ok("create", "secret", "generic", "typed", "--from-literal=a=b", "--type=example.com/custom");
        assertThat(k.exits(1, "patch", "secret", "typed", "-p", "{\"type\":\"Opaque\"}").stderr().trim())
                .isEqualTo("The Secret \"typed\" is invalid: type: Invalid value: \"Opaque\": field is immutable");
        verified("patch of an immutable Secret's data/stringData/immutable and of a Secret's type: refused; label allowed");
    }

    @Test
    void readingASecretNeedsGetOnSecrets() throws Exception {
        k.ok("create", "secret", "generic", "guarded", "--from-literal=token=abc");
        assertThat(k.exits(1, "auth", "can-i", "get", "secrets", "--as", "viewer").stdout().trim()).isEqualTo("no");
        var refused = k.kubectl.run(new String[] {"get", "secret", "guarded", "--as", "viewer"});
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.stderr().trim()).isEqualTo("Error from server (Forbidden): secrets \"guarded\" is forbidden: User \"viewer\" "
                + "cannot get resource \"secrets\" in API group \"\" in the namespace \"default\"");
        k.ok("create", "role", "secret-reader", "--verb=get", "--resource=secrets", "--resource-name=guarded");
        k.ok("create", "rolebinding", "viewer-reads", "--role=secret-reader", "--user=viewer");
        assertThat(k.jsonpath("secret/guarded", "{.data.token}", "--as", "viewer")).isEqualTo(b64("abc"));
        verified("get secret needs RBAC get on secrets (403 without, allowed with a Role)");
    }

    /** kubectl with a standard input, whatever its exit code. */
    private static io.coxswain.tests.cluster.Kubectl.Result tried(String stdin, String... args) throws Exception {
        return k.kubectl.run(stdin, args);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
