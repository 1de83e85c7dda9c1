package io.coxswain.tests.deploy;

import io.coxswain.tests.SharedFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The systemd units of deploy/systemd pass {@code systemd-analyze verify} with no error and no warning. They are
 * verified in a root of their own ({@code --root}): the units in its /etc/systemd/system, this machine's system
 * units (the targets they order against), the example environment files in /etc/coxswain, and at each path an
 * Exec line names (/usr/bin/java, /usr/bin/etcd) the real program of this machine, so that a unit naming a
 * program where none is fails. Templates are verified as the target instantiates them.
 */
class SystemdUnitsTest {

    private static final Path UNITS = SharedFiles.projectRoot().resolve("deploy/systemd");
    private static final Pattern EXEC = Pattern.compile("(?m)^Exec\\w+=[-@:+!]*(/\\S+)");

    @TempDir
    Path root;

    @BeforeEach
    void root() throws Exception {
        Path system = root.resolve("etc/systemd/system");
        Files.createDirectories(system);
        copyTree(Path.of("/usr/lib/systemd/system"), root.resolve("usr/lib/systemd/system"));
        Files.createDirectories(root.resolve("etc/coxswain"));
        try (Stream<Path> files = Files.list(UNITS)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(".service") || name.endsWith(".target")) {
                    Files.copy(f, system.resolve(name));
                    for (String program : programs(Files.readString(f))) {
                        install(program);
                    }
                } else if (name.endsWith(".env.example")) {
                    Files.copy(f, root.resolve("etc/coxswain").resolve(name.replace(".example", "")));
                }
            }
        }
    }

    @Test
    void everyUnitVerifiesCleanly() throws Exception {
        List<String> units = new ArrayList<>();
        for (String line : Files.readAllLines(UNITS.resolve("coxswain.target"))) {
            if (line.startsWith("Wants=")) {
                units.addAll(List.of(line.substring("Wants=".length()).trim().split("\\s+")));
            }
        }
        units.add("coxswain.target");
        try (Stream<Path> files = Files.list(UNITS)) {
            // every unit file is reached: a template through an instance of it in the target
            for (Path f : files.filter(p -> p.toString().endsWith(".service") || p.toString().endsWith(".target")).toList()) {
                String name = f.getFileName().toString();
                String prefix = name.contains("@") ? name.substring(0, name.indexOf('@') + 1) : name;
                assertThat(units).as(name + " is verified").anyMatch(u -> u.equals(name) || name.contains("@") && u.startsWith(prefix));
            }
        }
        Verified result = verify(units);
        assertThat(result.output()).as("systemd-analyze verify of " + units).isEmpty();
        assertThat(result.exitCode()).isZero();
        System.out.println("verified: systemd-analyze verify of " + units.size() + " units (" + String.join(", ", units)
                + ") reports nothing");
    }

    /** The check is not hollow: in the same root, a typo and a missing program are reported. */
    @Test
    void theCheckReportsWhatIsWrong() throws Exception {
        Path system = root.resolve("etc/systemd/system");
        String proxy = Files.readString(system.resolve("coxswain-proxy.service"));
        Files.writeString(system.resolve("coxswain-proxy.service"), proxy.replace("RestartSec=", "RestartSecs="));
        Files.delete(root.resolve("usr/bin/java"));
        Verified result = verify(List.of("coxswain-proxy.service"));
        assertThat(result.output()).contains("Unknown key 'RestartSecs'").contains("/usr/bin/java is not executable");
        assertThat(result.exitCode()).isNotZero();
    }

    private record Verified(int exitCode, String output) {
    }

    private Verified verify(List<String> units) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("systemd-analyze", "verify", "--root=" + root, "--man=no"));
        command.addAll(units);
        Path out = root.resolve("verify.out");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("systemd-analyze finished").isTrue();
        return new Verified(p.exitValue(), Files.readString(out).strip());
    }

    /** The absolute programs of a unit's Exec lines. */
    private static List<String> programs(String unit) {
        List<String> programs = new ArrayList<>();
        Matcher m = EXEC.matcher(unit);
        while (m.find()) {
            programs.add(m.group(1));
        }
        return programs;
    }

    /** This machine's program of that name, copied to the unit's path in the root: there must be one. */
    private void install(String program) throws IOException {
        Path target = root.resolve(program.substring(1));
        if (Files.exists(target)) {
            return;
        }
        String name = Path.of(program).getFileName().toString();
        Path real = name.equals("java") ? Path.of(System.getProperty("java.home"), "bin", "java") : Path.of(program);
        assertThat(real).as("this machine has " + program + " (./coxswain test installs it)").isExecutable();
        Files.createDirectories(target.getParent());
        Files.copy(real, target, StandardCopyOption.COPY_ATTRIBUTES);
    }

    /** Copies the tree, symbolic links as links (a masked unit links to /dev/null). */
    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isSymbolicLink(p)) {
                    Files.createDirectories(target.getParent());
                    Files.createSymbolicLink(target, Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
