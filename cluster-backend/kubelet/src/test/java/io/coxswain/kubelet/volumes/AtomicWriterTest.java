package io.coxswain.kubelet.volumes;

import io.coxswain.kubelet.volumes.AtomicWriter.FileProjection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** kube's atomic writer layout: ..data → timestamped dir, visible links, in-place update, old names and dirs gone. */
class AtomicWriterTest {

    private static FileProjection file(String text, int mode) {
        return new FileProjection(text.getBytes(StandardCharsets.UTF_8), mode);
    }

    @Test
    void writesTheLayoutAndSwapsItOnChange(@TempDir Path dir) throws Exception {
        assertThat(AtomicWriter.write(dir, Map.of("user", file("alice", 0644), "conf/app.yaml", file("a: 1", 0400)))).isTrue();
        Path data = dir.resolve("..data");
        assertThat(Files.isSymbolicLink(data)).isTrue();
        String first = Files.readSymbolicLink(data).toString();
        assertThat(first).matches("\\.\\.\\d{4}_\\d{2}_\\d{2}_\\d{2}_\\d{2}_\\d{2}\\..+");
        assertThat(Files.readSymbolicLink(dir.resolve("user")).toString()).isEqualTo("..data/user");
        assertThat(Files.readSymbolicLink(dir.resolve("conf")).toString()).isEqualTo("..data/conf");
        assertThat(Files.readString(dir.resolve("conf/app.yaml"))).isEqualTo("a: 1");
        assertThat(Modes.mode(Files.getPosixFilePermissions(dir.resolve("conf/app.yaml")))).isEqualTo(0400);

        // the same payload writes nothing
        assertThat(AtomicWriter.write(dir, Map.of("user", file("alice", 0644), "conf/app.yaml", file("a: 1", 0400)))).isFalse();
        assertThat(Files.readSymbolicLink(data).toString()).isEqualTo(first);

        // a change: new timestamped dir, the old one and the dropped name gone
        assertThat(AtomicWriter.write(dir, Map.of("user", file("bob", 0644)))).isTrue();
        assertThat(Files.readSymbolicLink(data).toString()).isNotEqualTo(first);
        assertThat(Files.readString(dir.resolve("user"))).isEqualTo("bob");
        assertThat(Files.exists(dir.resolve(first))).isFalse();
        assertThat(Files.exists(dir.resolve("conf"), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
        // a mode change alone is a change too
        assertThat(AtomicWriter.write(dir, Map.of("user", file("bob", 0600)))).isTrue();
    }

    @Test
    void refusesPathsOutsideTheVolume(@TempDir Path dir) {
        assertThatThrownBy(() -> AtomicWriter.write(dir, Map.of("../x", file("x", 0644)))).hasMessageContaining("must not contain '..'");
        assertThatThrownBy(() -> AtomicWriter.write(dir, Map.of("/etc/x", file("x", 0644)))).hasMessageContaining("must be relative");
        assertThatThrownBy(() -> AtomicWriter.write(dir, Map.of("..data", file("x", 0644)))).hasMessageContaining("must not start with '..'");
    }
}
