package io.coxswain.apiserver.certificates;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.api.ApiException;
import io.coxswain.api.ApiException.Cause;
import io.coxswain.apiserver.auth.Authorizer;
import io.coxswain.apiserver.auth.UserInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** kube's certificates validation and strategy, on requests signed here with BouncyCastle. */
class CsrValidationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static String request;
    private static String mastersRequest;
    private static String otherKeysRequest;
    private final CsrStrategy strategy = new CsrStrategy(Clock.fixed(Instant.parse("2026-12-07T12:00:00Z"), ZoneOffset.UTC));

    @BeforeAll
    static void requests() throws Exception {
        KeyPair key = rsa();
        request = pem(new JcaPKCS10CertificationRequestBuilder(new X500Name("O=system:nodes,CN=system:node:a"), key.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(key.getPrivate())));
        // a request whose signature was made with another key than the one it carries
        PKCS10CertificationRequest forged = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=x"), key.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(rsa().getPrivate()));
        otherKeysRequest = pem(forged);
        mastersRequest = pem(new JcaPKCS10CertificationRequestBuilder(new X500Name("O=system:masters,CN=root"), key.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(key.getPrivate())));
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static String pem(PKCS10CertificationRequest csr) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(csr);
        }
        return Base64.getEncoder().encodeToString(out.toString().getBytes(StandardCharsets.US_ASCII));
    }

    private static ObjectNode csr(String request, String signer, String... usages) {
        ObjectNode csr = JSON.createObjectNode().put("apiVersion", "certificates.k8s.io/v1").put("kind", "CertificateSigningRequest");
        csr.putObject("metadata").put("name", "r");
        ObjectNode spec = csr.putObject("spec").put("request", request).put("signerName", signer);
        for (String u : usages) {
            spec.withArray("usages").add(u);
        }
        return csr;
    }

    private static List<String> messages(List<Cause> causes) {
        List<String> out = new ArrayList<>();
        causes.forEach(c -> out.add(c.field() + ": " + c.message()));
        return out;
    }

    @Test
    void aWellSignedRequestIsValid() {
        assertThat(CsrValidation.validateCreate(csr(request, "kubernetes.io/kube-apiserver-client-kubelet", "client auth",
                "digital signature"))).isEmpty();
    }

    @Test
    void anEcdsaRequestAsTheKubeletMakesItIsValid() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        KeyPair key = generator.generateKeyPair();
        String ecdsa = pem(new JcaPKCS10CertificationRequestBuilder(new X500Name("O=system:nodes,CN=system:node:a"), key.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
        assertThat(CsrValidation.validateCreate(csr(ecdsa, "kubernetes.io/kube-apiserver-client-kubelet", "digital signature",
                "client auth"))).isEmpty();
    }

    @Test
    void theRequestMustBeAPemCertificateRequestWhoseSignatureChecks() {
        String certificate = Base64.getEncoder().encodeToString("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
                .getBytes(StandardCharsets.US_ASCII));
        assertThat(messages(CsrValidation.validateCreate(csr(certificate, "example.com/s", "client auth"))))
                .containsExactly("spec.request: Invalid value: \"<request data>\": PEM block type must be CERTIFICATE REQUEST");
        assertThat(messages(CsrValidation.validateCreate(csr("not base64!", "example.com/s", "client auth"))).get(0))
                .startsWith("spec.request: Invalid value: \"<request data>\": not base64");
        assertThat(messages(CsrValidation.validateCreate(csr(otherKeysRequest, "example.com/s", "client auth"))))
                .containsExactly("spec.request: Invalid value: \"<request data>\": x509: the certificate request's signature does not"
                        + " match its public key");
    }

    @Test
    void signerNamesAreQualified() {
        assertThat(messages(CsrValidation.signerNameErrors(""))).containsExactly("spec.signerName: Required value");
        assertThat(messages(CsrValidation.signerNameErrors("kubelet"))).containsExactly("spec.signerName: Invalid value: \"kubelet\": "
                + "must be a fully qualified domain and path of the form 'example.com/signer-name'");
        assertThat(messages(CsrValidation.signerNameErrors("example/x"))).containsExactly("spec.signerName: Invalid value: \"example\": "
                + "should be a domain with at least two segments separated by dots");
        assertThat(messages(CsrValidation.signerNameErrors("Example.com/x")).get(0)).contains("validating label \"Example\"");
        assertThat(messages(CsrValidation.signerNameErrors("example.com/My_Signer")).get(0)).contains("validating label \"My_Signer\"");
        assertThat(CsrValidation.signerNameErrors("example.com/ns.name")).isEmpty();
    }

    @Test
    void usagesAreRequiredKnownAndNotRepeated() {
        assertThat(messages(CsrValidation.validateCreate(csr(request, "example.com/s")))).containsExactly("spec.usages: Required value");
        List<String> errors = messages(CsrValidation.validateCreate(csr(request, "example.com/s", "client auth", "flying", "client auth")));
        assertThat(errors).hasSize(2);
        assertThat(errors.get(0)).startsWith("spec.usages[1]: Unsupported value: \"flying\": supported values: \"any\"");
        assertThat(errors.get(1)).isEqualTo("spec.usages[2]: Duplicate value: \"client auth\"");
    }

    @Test
    void expirationSecondsIsAtLeastTenMinutes() {
        ObjectNode csr = csr(request, "example.com/s", "client auth");
        ((ObjectNode) csr.get("spec")).put("expirationSeconds", 599);
        assertThat(messages(CsrValidation.validateCreate(csr))).containsExactly("spec.expirationSeconds: Invalid value: 599: "
                + "may not specify a duration less than 600 seconds (10 minutes)");
    }

    @Test
    void theServerSetsTheRequestorAndNoStatus() {
        ObjectNode csr = csr(request, "example.com/s", "client auth");
        ((ObjectNode) csr.get("spec")).put("username", "forged").putArray("groups").add("system:masters");
        csr.putObject("status").put("certificate", "eA==");
        strategy.prepareForCreate(csr, new UserInfo("alice", "u-1", List.of("devs", "system:authenticated")));
        assertThat(csr.path("spec").path("username").asText()).isEqualTo("alice");
        assertThat(csr.path("spec").path("uid").asText()).isEqualTo("u-1");
        assertThat(csr.path("spec").path("groups").toString()).isEqualTo("[\"devs\",\"system:authenticated\"]");
        assertThat(csr.has("status")).isFalse();
    }

    private ObjectNode approved() {
        ObjectNode current = csr(request, "example.com/s", "client auth");
        strategy.prepareForCreate(current, new UserInfo("alice", "", List.of()));
        ObjectNode next = current.deepCopy();
        next.with("status").withArray("conditions").addObject().put("type", "Approved").put("status", "True");
        strategy.prepareForUpdate("approval", current, next);
        strategy.validateUpdate("approval", current, next);
        return next;
    }

    @Test
    void approvalChangesOnlyConditionsAndStampsThem() {
        ObjectNode current = approved();
        assertThat(current.at("/status/conditions/0/lastUpdateTime").asText()).isEqualTo("2026-12-07T12:00:00Z");
        assertThat(current.at("/status/conditions/0/lastTransitionTime").asText()).isEqualTo("2026-12-07T12:00:00Z");
        ObjectNode next = current.deepCopy();
        ((ObjectNode) next.get("status")).put("certificate", "eA==");
        ((ObjectNode) next.get("spec")).put("signerName", "example.com/other");
        next.with("status").withArray("conditions").addObject().put("type", "Denied").put("status", "True");
        strategy.prepareForUpdate("approval", current, next);
        assertThat(next.path("status").has("certificate")).isFalse();
        assertThat(next.at("/spec/signerName").asText()).isEqualTo("example.com/s");
        assertThatThrownBy(() -> strategy.validateUpdate("approval", current, next)).isInstanceOf(ApiException.class)
                .hasMessageContaining("status.conditions[1].type: Invalid value: \"Denied\": Approved and Denied conditions are mutually exclusive");
    }

    @Test
    void statusKeepsApprovalAndSetsTheCertificateOnce() throws Exception {
        ObjectNode current = approved();
        ObjectNode next = current.deepCopy();
        ((ObjectNode) next.get("status")).remove("conditions");
        ((ObjectNode) next.get("status")).put("certificate", Base64.getEncoder().encodeToString("junk".getBytes(StandardCharsets.US_ASCII)));
        strategy.prepareForUpdate("status", current, next);
        assertThat(next.at("/status/conditions/0/type").asText()).as("Approved stays").isEqualTo("Approved");
        assertThatThrownBy(() -> strategy.validateUpdate("status", current, next)).isInstanceOf(ApiException.class)
                .hasMessageContaining("status.certificate: Invalid value: \"<certificate data>\": must contain at least one CERTIFICATE PEM block");
        // through the object itself, neither the certificate nor an approval changes
        ObjectNode main = current.deepCopy();
        ((ObjectNode) main.get("status")).put("certificate", "eA==");
        strategy.prepareForUpdate(null, current, main);
        assertThat(main.path("status").has("certificate")).isFalse();
    }

    @Test
    void theSpecIsImmutableButTheRequestorFieldsMayBeLeftOut() {
        ObjectNode current = approved();
        ObjectNode sameWithoutRequestor = current.deepCopy();
        ((ObjectNode) sameWithoutRequestor.get("spec")).remove("username");
        strategy.prepareForUpdate(null, current, sameWithoutRequestor);
        assertThat(sameWithoutRequestor.at("/spec/username").asText()).isEqualTo("alice");
        ObjectNode changed = current.deepCopy();
        ((ObjectNode) changed.get("spec")).putArray("usages").add("server auth");
        assertThatThrownBy(() -> strategy.prepareForUpdate(null, current, changed)).isInstanceOf(ApiException.class)
                .hasMessageContaining("spec: Invalid value").hasMessageContaining("field is immutable");
    }

    @Test
    void conditionsCannotBeRemovedNorApprovalsAddedOutsideApproval() {
        ObjectNode current = approved();
        ObjectNode removed = current.deepCopy();
        ((ObjectNode) removed.get("status")).remove("conditions");
        assertThat(messages(CsrValidation.validateUpdate(removed, current, CsrValidation.UpdatePath.APPROVAL)))
                .containsExactly("status.conditions: Forbidden: updates may not remove a condition of type \"Approved\"");
        ObjectNode pending = csr(request, "example.com/s", "client auth");
        ObjectNode sneaky = pending.deepCopy();
        sneaky.with("status").withArray("conditions").addObject().put("type", "Approved").put("status", "True");
        assertThat(messages(CsrValidation.validateUpdate(sneaky, pending, CsrValidation.UpdatePath.STATUS)))
                .containsExactly("status.conditions: Forbidden: updates may not add a condition of type \"Approved\"");
        ObjectNode falseFailed = pending.deepCopy();
        falseFailed.with("status").withArray("conditions").addObject().put("type", "Failed").put("status", "False");
        assertThat(messages(CsrValidation.validateUpdate(falseFailed, pending, CsrValidation.UpdatePath.STATUS)))
                .containsExactly("status.conditions[0].status: Unsupported value: \"False\": supported values: \"True\"");
    }

    @Test
    void approvingNeedsApproveOnTheSignerOrItsDomain() {
        UserInfo bob = new UserInfo("bob", "", List.of());
        List<String> asked = new ArrayList<>();
        Authorizer domainOnly = a -> {
            asked.add(a.verb() + " " + a.apiGroup() + "/" + a.resource() + " " + a.name());
            return new Authorizer.Decision(a.name().equals("example.com/*"), "");
        };
        assertThat(SignerAdmission.mayFor(domainOnly, bob, "approve", "example.com/s")).isTrue();
        assertThat(asked).containsExactly("approve certificates.k8s.io/signers example.com/s", "approve certificates.k8s.io/signers example.com/*");
        assertThat(SignerAdmission.mayFor(domainOnly, bob, "approve", "kubernetes.io/kube-apiserver-client")).isFalse();
    }

    private static final io.coxswain.apiserver.registry.ResourceInfo CSRS = new io.coxswain.apiserver.registry.ResourceRegistry(
            io.coxswain.schemas.SchemaCatalog.standard()).find("certificates.k8s.io/v1", "certificatesigningrequests").orElseThrow();

    @Test
    void noApiServerClientCertificatesForSystemMasters() {
        SignerAdmission admission = new SignerAdmission(a -> Authorizer.Decision.ALLOW);
        var options = new io.coxswain.apiserver.registry.WriteOptions(false, null, "t").by(new UserInfo("alice", "", List.of()));
        assertThatThrownBy(() -> admission.check(CSRS, null, null, csr(mastersRequest, "kubernetes.io/kube-apiserver-client",
                "client auth"), options)).isInstanceOf(ApiException.class).hasMessage("certificatesigningrequests.certificates.k8s.io "
                + "\"r\" is forbidden: use of kubernetes.io/kube-apiserver-client signer with system:masters group is not allowed");
        admission.check(CSRS, null, null, csr(mastersRequest, "example.com/s", "client auth"), options);
    }

    @Test
    void settingTheCertificateNeedsSignOnTheSigner() {
        SignerAdmission admission = new SignerAdmission(a -> new Authorizer.Decision(!a.verb().equals("sign"), ""));
        ObjectNode current = approved();
        ObjectNode next = current.deepCopy();
        ((ObjectNode) next.get("status")).put("certificate", "eA==");
        var status = new io.coxswain.apiserver.registry.WriteOptions(false, null, "t").by(new UserInfo("bob", "", List.of())).at("status");
        assertThatThrownBy(() -> admission.check(CSRS, null, current, next, status)).isInstanceOf(ApiException.class)
                .hasMessageContaining("user not permitted to sign requests with signerName \"example.com/s\"");
        // a status update that leaves the certificate alone (a Failed condition) needs no sign
        admission.check(CSRS, null, current, current.deepCopy(), status);
        admission.check(CSRS, null, current, next, status.at("approval"));
    }
}
