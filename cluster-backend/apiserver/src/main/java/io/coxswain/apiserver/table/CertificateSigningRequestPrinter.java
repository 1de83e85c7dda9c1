package io.coxswain.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** certificates.k8s.io CertificateSigningRequest: NAME AGE SIGNERNAME REQUESTOR REQUESTEDDURATION CONDITION, as kube's printer. */
final class CertificateSigningRequestPrinter implements RowPrinter {

    private static final List<ColumnDefinition> COLUMNS = List.of(
            Columns.NAME,
            Columns.AGE,
            ColumnDefinition.of("SignerName", "string", "Only use signerName when the object has no signer name in spec."),
            ColumnDefinition.of("Requestor", "string", "Name of the user that created the request."),
            ColumnDefinition.of("RequestedDuration", "string", "Requested duration of the certificate's validity."),
            ColumnDefinition.of("Condition", "string", "Approved, Denied or Pending, with Failed and Issued when so."));

    @Override
    public List<ColumnDefinition> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(JsonNode csr, Instant now) {
        JsonNode spec = csr.path("spec");
        String signer = spec.path("signerName").asText("");
        String duration = spec.hasNonNull("expirationSeconds")
                ? Durations.human(Duration.ofSeconds(spec.get("expirationSeconds").asLong())) : "<none>";
        return List.of(Nodes.name(csr), Columns.age(csr, now), signer.isEmpty() ? "<none>" : signer,
                spec.path("username").asText(""), duration, condition(csr));
    }

    /** Denied wins over Approved, then Pending; Failed and Issued are added, as kube's extractCSRStatus does. */
    static String condition(JsonNode csr) {
        boolean approved = false;
        boolean denied = false;
        boolean failed = false;
        for (JsonNode c : csr.path("status").path("conditions")) {
            switch (c.path("type").asText()) {
                case "Approved" -> approved = true;
                case "Denied" -> denied = true;
                case "Failed" -> failed = true;
                default -> {
                }
            }
        }
        String status = denied ? "Denied" : approved ? "Approved" : "Pending";
        if (failed) {
            status += ",Failed";
        }
        if (!csr.path("status").path("certificate").asText("").isEmpty()) {
            status += ",Issued";
        }
        return status;
    }
}
