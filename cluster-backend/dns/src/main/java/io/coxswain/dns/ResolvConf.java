package io.coxswain.dns;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The nameservers of a resolv.conf, as the default upstreams (CoreDNS's {@code forward . /etc/resolv.conf}). */
final class ResolvConf {

    static final Path HOST = Path.of("/etc/resolv.conf");
    private static final Logger LOG = LoggerFactory.getLogger(ResolvConf.class);

    private ResolvConf() {
    }

    static List<InetSocketAddress> nameservers(Path file) {
        List<InetSocketAddress> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String[] f = line.strip().split("\\s+");
                if (f.length >= 2 && f[0].equals("nameserver")) {
                    try {
                        out.add(new InetSocketAddress(InetAddress.getByName(f[1]), 53));
                    } catch (UnknownHostException e) {
                        LOG.warn("{}: nameserver {} is not an address; skipped", file, f[1]);
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot read {} ({}): no upstream resolvers", file, e.getMessage());
        }
        return out;
    }
}
