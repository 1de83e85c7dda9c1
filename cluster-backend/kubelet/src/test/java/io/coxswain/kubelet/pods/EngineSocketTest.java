package io.coxswain.kubelet.pods;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The kubelet's own refusal of the container engine's socket: by name, by a folder above it, through a symbolic link. */
class EngineSocketTest {

    @Test
    void theSocketAndItsFoldersAreRefused(@TempDir Path dir) throws Exception {
        for (String p : new String[] {"/var/run/docker.sock", "/run/docker.sock", "/run", "/var/run/", "/", "/var/lib/../run"}) {
            assertThatThrownBy(() -> PodVolumes.refuseEngineSocket("d", Path.of(p))).as(p)
                    .hasMessageContaining("would mount the container engine's socket");
        }
        Path link = Files.createSymbolicLink(dir.resolve("innocent"), Path.of("/run"));
        assertThatThrownBy(() -> PodVolumes.refuseEngineSocket("d", link)).hasMessageContaining("container engine's socket");
        assertThatCode(() -> PodVolumes.refuseEngineSocket("d", dir)).doesNotThrowAnyException();
        assertThatCode(() -> PodVolumes.refuseEngineSocket("d", Path.of("/srv/data"))).doesNotThrowAnyException();
    }
}
