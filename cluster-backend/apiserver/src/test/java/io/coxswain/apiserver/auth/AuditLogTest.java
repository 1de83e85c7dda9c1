package io.coxswain.apiserver.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The audit log rotates by size, as kube-apiserver's --audit-log-maxsize and --audit-log-maxbackup. */
class AuditLogTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void writingPastTheSizeRotatesAndKeepsTheNewestBackups(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("audit.log");
        try (AuditLog audit = AuditLog.open(file, new AuditRotation(2_000, 2))) {
            deleteConfigMaps(audit, 100);
        }
        assertThat(file.resolveSibling("audit.log.1")).exists();
        assertThat(file.resolveSibling("audit.log.2")).exists();
        assertThat(file.resolveSibling("audit.log.3")).doesNotExist();
        List<String> names = new ArrayList<>();
        for (Path p : List.of(file.resolveSibling("audit.log.2"), file.resolveSibling("audit.log.1"), file)) {
            assertThat(Files.size(p)).as(p.toString()).isLessThanOrEqualTo(2_000);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).isEqualTo("rw-------");
            for (String line : Files.readAllLines(p)) {
                names.add(JSON.readTree(line).get("name").asText());
            }
        }
        // the newest lines, in order, with none lost between the files
        assertThat(names.get(names.size() - 1)).isEqualTo("cm-99");
        int first = Integer.parseInt(names.get(0).substring(3));
        for (int i = 0; i < names.size(); i++) {
            assertThat(names.get(i)).isEqualTo("cm-" + (first + i));
        }
        assertThat(first).isGreaterThan(0);
    }

    @Test
    void zeroMeansKubesDefaults() {
        assertThat(AuditRotation.ofFlags(0, 0)).isEqualTo(new AuditRotation(100L * 1024 * 1024, 0));
        assertThat(AuditRotation.ofFlags(5, 3)).isEqualTo(new AuditRotation(5L * 1024 * 1024, 3));
        assertThatThrownBy(() -> AuditRotation.ofFlags(-1, 0)).hasMessageContaining("--audit-log-maxsize");
    }

    @Test
    void withNoCountEveryBackupIsKept(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("audit.log");
        try (AuditLog audit = AuditLog.open(file, new AuditRotation(500, 0))) {
            deleteConfigMaps(audit, 40);
        }
        long lines = 0;
        for (int n = 1; Files.exists(audit(file, n)); n++) {
            lines += Files.readAllLines(audit(file, n)).size();
        }
        assertThat(lines + Files.readAllLines(file).size()).isEqualTo(40);
        assertThat(audit(file, 3)).exists();
    }

    /** One audit line each: cm-0, cm-1, … */
    private static void deleteConfigMaps(AuditLog audit, int count) {
        for (int i = 0; i < count; i++) {
            String uri = "/api/v1/namespaces/default/configmaps/cm-" + i;
            audit.record(new RequestAttributes(UserInfo.UNSECURED, "delete", true, "", "configmaps", null, "default", "cm-" + i, uri), 200, uri);
        }
    }

    private static Path audit(Path file, int n) {
        return file.resolveSibling(file.getFileName() + "." + n);
    }
}
