package io.coxswain.apiserver.certificates;

import com.fasterxml.jackson.databind.JsonNode;
import io.coxswain.api.ApiException;
import io.coxswain.api.ApiException.Cause;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * kube's {@code pkg/apis/certificates/validation} for certificates.k8s.io/v1: the request is a PEM CERTIFICATE REQUEST
 * whose signature checks, the signer name is a qualified name, usages are known and not repeated, Approved and Denied
 * exclude each other, Approved/Denied/Failed are only True, status.certificate holds only CERTIFICATE blocks; on update,
 * which conditions and certificate each path may change. Each method returns the field errors; none means valid.
 */
public final class CsrValidation {

    public static final String GROUP = "certificates.k8s.io";
    public static final String KIND = "CertificateSigningRequest";

    static final Set<String> USAGES = Set.of("signing", "digital signature", "content commitment", "key encipherment",
            "key agreement", "data encipherment", "cert sign", "crl sign", "encipher only", "decipher only", "any", "server auth",
            "client auth", "code signing", "email protection", "s/mime", "ipsec end system", "ipsec tunnel", "ipsec user",
            "timestamping", "ocsp signing", "microsoft sgc", "netscape sgc");
    private static final Set<String> TRUE_ONLY = Set.of("Approved", "Denied", "Failed");
    private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    /** What a path of update may do beyond the object itself. */
    public enum UpdatePath {
        /** the object: neither conditions Approved/Denied nor the certificate */
        MAIN,
        /** /status: the certificate, once */
        STATUS,
        /** /approval: the Approved and Denied conditions */
        APPROVAL
    }

    private CsrValidation() {
    }

    /** Throws 422 Invalid naming every error, as the registry's Validate does. */
    public static void check(JsonNode csr, List<Cause> errors) {
        if (!errors.isEmpty()) {
            throw ApiException.invalid(GROUP, KIND, csr.path("metadata").path("name").asText(""), errors);
        }
    }

    /** ValidateCertificateSigningRequestCreate. */
    public static List<Cause> validateCreate(JsonNode csr) {
        return validate(csr, false);
    }

    /**
     * validateCertificateSigningRequestUpdate for one path. Problems the stored object already has are tolerated, as
     * upstream does for data written by older servers.
     */
    public static List<Cause> validateUpdate(JsonNode next, JsonNode current, UpdatePath path) {
        boolean sameCertificate = certificateText(next).equals(certificateText(current));
        List<Cause> errors = validate(next, sameCertificate);
        if (bothApprovedAndDenied(current)) {
            errors.removeIf(c -> c.message().contains("mutually exclusive"));
        }
        for (String type : List.of("Approved", "Denied", "Failed")) {
            if (conditions(next, type).size() < conditions(current, type).size()) {
                errors.add(forbidden("status.conditions", "updates may not remove a condition of type \"" + type + "\""));
            }
        }
        if (path != UpdatePath.APPROVAL) {
            for (String type : List.of("Approved", "Denied")) {
                List<JsonNode> was = conditions(current, type);
                List<JsonNode> now = conditions(next, type);
                if (now.size() > was.size()) {
                    errors.add(forbidden("status.conditions", "updates may not add a condition of type \"" + type + "\""));
                } else if (now.size() == was.size() && !now.equals(was)) {
                    errors.add(forbidden("status.conditions", "updates may not modify a condition of type \"" + type + "\""));
                }
            }
        }
        if (!sameCertificate) {
            if (path != UpdatePath.STATUS) {
                errors.add(forbidden("status.certificate", "updates may not set certificate content"));
            } else if (!certificateText(current).isEmpty()) {
                errors.add(forbidden("status.certificate", "updates may not modify existing certificate content"));
            }
        }
        return errors;
    }

    private static List<Cause> validate(JsonNode csr, boolean tolerateCertificate) {
        List<Cause> errors = new ArrayList<>();
        JsonNode spec = csr.path("spec");
        String requestError = requestError(spec.path("request").asText(""));
        if (requestError != null) {
            errors.add(new Cause("FieldValueInvalid", "Invalid value: \"<request data>\": " + requestError, "spec.request"));
        }
        JsonNode usages = spec.path("usages");
        if (usages.isEmpty()) {
            errors.add(new Cause("FieldValueRequired", "Required value", "spec.usages"));
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < usages.size(); i++) {
            String usage = usages.get(i).asText();
            if (!USAGES.contains(usage)) {
                errors.add(new Cause("FieldValueNotSupported", "Unsupported value: \"" + usage + "\": supported values: "
                        + quoted(USAGES.stream().sorted().toList()), "spec.usages[" + i + "]"));
            }
            if (!seen.add(usage)) {
                errors.add(new Cause("FieldValueDuplicate", "Duplicate value: \"" + usage + "\"", "spec.usages[" + i + "]"));
            }
        }
        errors.addAll(signerNameErrors(spec.path("signerName").asText("")));
        if (spec.hasNonNull("expirationSeconds") && spec.get("expirationSeconds").asLong() < 600) {
            errors.add(new Cause("FieldValueInvalid", "Invalid value: " + spec.get("expirationSeconds").asLong()
                    + ": may not specify a duration less than 600 seconds (10 minutes)", "spec.expirationSeconds"));
        }
        errors.addAll(conditionErrors(csr.path("status").path("conditions")));
        if (!tolerateCertificate) {
            String certificateError = certificateError(certificateText(csr));
            if (certificateError != null) {
                errors.add(new Cause("FieldValueInvalid", "Invalid value: \"<certificate data>\": " + certificateError, "status.certificate"));
            }
        }
        return errors;
    }

    /** ValidateSignerName: {@code <DNS subdomain with a dot>/<DNS subdomains separated by dots>}, at most 571 characters. */
    static List<Cause> signerNameErrors(String signerName) {
        String field = "spec.signerName";
        List<Cause> errors = new ArrayList<>();
        if (signerName.isEmpty()) {
            errors.add(new Cause("FieldValueRequired", "Required value", field));
            return errors;
        }
        String[] segments = signerName.split("/", -1);
        if (segments.length != 2) {
            errors.add(invalid(field, signerName, "must be a fully qualified domain and path of the form 'example.com/signer-name'"));
            return errors;
        }
        if (segments[0].length() > 253) {
            errors.add(new Cause("FieldValueTooLong", "Too long: may not be more than 253 bytes", field));
        }
        String[] domainLabels = segments[0].split("\\.", -1);
        for (String label : domainLabels) {
            if (label.length() > 63 || !DNS1123_LABEL.matcher(label).matches()) {
                errors.add(invalid(field, segments[0], "validating label \"" + label + "\": a lowercase RFC 1123 label must consist of"
                        + " lower case alphanumeric characters or '-', and must start and end with an alphanumeric character"));
                break;
            }
        }
        if (domainLabels.length < 2) {
            errors.add(invalid(field, segments[0], "should be a domain with at least two segments separated by dots"));
        }
        for (String label : segments[1].split("\\.", -1)) {
            if (label.length() > 253 || !DNS1123_SUBDOMAIN.matcher(label).matches()) {
                errors.add(invalid(field, segments[1], "validating label \"" + label + "\": a lowercase RFC 1123 subdomain must consist"
                        + " of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"));
                break;
            }
        }
        if (signerName.length() > 253 + 253 + 63 + 2) {
            errors.add(new Cause("FieldValueTooLong", "Too long: may not be more than 571 bytes", field));
        }
        return errors;
    }

    private static List<Cause> conditionErrors(JsonNode conditions) {
        List<Cause> errors = new ArrayList<>();
        Set<String> types = new HashSet<>();
        boolean approved = false;
        boolean denied = false;
        for (int i = 0; i < conditions.size(); i++) {
            JsonNode c = conditions.get(i);
            String at = "status.conditions[" + i + "]";
            String type = c.path("type").asText("");
            String status = c.path("status").asText("");
            if (type.isEmpty()) {
                errors.add(new Cause("FieldValueRequired", "Required value", at + ".type"));
            }
            List<String> allowed = TRUE_ONLY.contains(type) ? List.of("True") : List.of("False", "True", "Unknown");
            if (status.isEmpty()) {
                errors.add(new Cause("FieldValueRequired", "Required value", at + ".status"));
            } else if (!allowed.contains(status)) {
                errors.add(new Cause("FieldValueNotSupported", "Unsupported value: \"" + status + "\": supported values: "
                        + quoted(allowed), at + ".status"));
            }
            if (type.equals("Approved")) {
                approved = true;
                if (denied) {
                    errors.add(invalid(at + ".type", type, "Approved and Denied conditions are mutually exclusive"));
                }
            } else if (type.equals("Denied")) {
                denied = true;
                if (approved) {
                    errors.add(invalid(at + ".type", type, "Approved and Denied conditions are mutually exclusive"));
                }
            }
            if (!types.add(type)) {
                errors.add(new Cause("FieldValueDuplicate", "Duplicate value: \"" + type + "\"", at + ".type"));
            }
        }
        return errors;
    }

    /** Why spec.request (base64 of PEM, as JSON carries bytes) is not a well-signed PKCS#10 request; null when it is. */
    static String requestError(String base64) {
        byte[] pem;
        try {
            pem = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return "not base64: " + e.getMessage();
        }
        PKCS10CertificationRequest request;
        try {
            request = parseRequest(new String(pem, StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        try {
            // the key through its JCA name (EC, RSA): a lookup by the algorithm's OID finds no KeyFactory for ECDSA, the
            // kubelet's key type
            java.security.PublicKey key = new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest(request).getPublicKey();
            if (!request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
                return "x509: the certificate request's signature does not match its public key";
            }
        } catch (Exception e) {
            return "the certificate request's signature could not be checked: " + e.getMessage();
        }
        return null;
    }

    /** The first PEM block, which must be a CERTIFICATE REQUEST, as kube's ParseCSR reads it. */
    public static PKCS10CertificationRequest parseRequest(String pem) {
        PemObject block;
        try (PemReader reader = new PemReader(new StringReader(pem))) {
            block = reader.readPemObject();
        } catch (IOException | RuntimeException e) {
            block = null;
        }
        if (block == null || !block.getType().equals("CERTIFICATE REQUEST")) {
            throw new IllegalArgumentException("PEM block type must be CERTIFICATE REQUEST");
        }
        try {
            return new PKCS10CertificationRequest(block.getContent());
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("x509: malformed certificate request: " + e.getMessage());
        }
    }

    /** validateCertificate: empty, or only CERTIFICATE blocks without headers, each a certificate. */
    static String certificateError(String base64) {
        if (base64.isEmpty()) {
            return null;
        }
        String pem;
        try {
            pem = new String(Base64.getDecoder().decode(base64), StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException e) {
            return "not base64: " + e.getMessage();
        }
        int blocks = 0;
        try (PemReader reader = new PemReader(new StringReader(pem))) {
            CertificateFactory x509 = CertificateFactory.getInstance("X.509");
            for (PemObject block = reader.readPemObject(); block != null; block = reader.readPemObject()) {
                if (!block.getType().equals("CERTIFICATE")) {
                    return "only CERTIFICATE PEM blocks are allowed, found \"" + block.getType() + "\"";
                }
                if (!block.getHeaders().isEmpty()) {
                    return "no PEM block headers are permitted";
                }
                x509.generateCertificate(new java.io.ByteArrayInputStream(block.getContent()));
                blocks++;
            }
        } catch (IOException | CertificateException | RuntimeException e) {
            return "x509: " + e.getMessage();
        }
        return blocks == 0 ? "must contain at least one CERTIFICATE PEM block" : null;
    }

    static List<JsonNode> conditions(JsonNode csr, String type) {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode c : csr.path("status").path("conditions")) {
            if (type.equals(c.path("type").asText())) {
                found.add(c);
            }
        }
        return found;
    }

    private static boolean bothApprovedAndDenied(JsonNode csr) {
        return !conditions(csr, "Approved").isEmpty() && !conditions(csr, "Denied").isEmpty();
    }

    private static String certificateText(JsonNode csr) {
        return csr.path("status").path("certificate").asText("");
    }

    private static Cause invalid(String field, String value, String why) {
        return new Cause("FieldValueInvalid", "Invalid value: \"" + value + "\": " + why, field);
    }

    private static Cause forbidden(String field, String why) {
        return new Cause("FieldValueForbidden", "Forbidden: " + why, field);
    }

    private static String quoted(List<String> values) {
        return String.join(", ", values.stream().map(v -> "\"" + v + "\"").toList());
    }
}
