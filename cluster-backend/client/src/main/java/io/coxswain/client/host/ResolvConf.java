package io.coxswain.client.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A resolv.conf as the resolver reads it: its nameserver lines, its search list (the last search or domain line; the
 * root "." and trailing dots dropped) and its options. Cluster DNS forwards to the nameservers; the kubelet gives pods
 * with the host's resolvers all three.
 */
public record ResolvConf(List<String> nameservers, List<String> searches, List<String> options) {

    public static final Path HOST = Path.of("/etc/resolv.conf");

    /** Reads the file; comments and lines without a value are skipped. */
    public static ResolvConf read(Path file) throws IOException {
        List<String> servers = new ArrayList<>();
        List<String> searches = new ArrayList<>();
        List<String> options = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 2 || f[0].startsWith("#") || f[0].startsWith(";")) {
                continue;
            }
            List<String> rest = List.of(f).subList(1, f.length);
            switch (f[0]) {
                case "nameserver" -> servers.add(f[1]);
                case "search", "domain" -> {
                    searches.clear();
                    rest.stream().filter(s -> !s.equals(".")).map(s -> s.replaceAll("\\.$", "")).forEach(searches::add);
                }
                case "options" -> options.addAll(rest);
                default -> {
                }
            }
        }
        return new ResolvConf(List.copyOf(servers), List.copyOf(searches), List.copyOf(options));
    }
}
