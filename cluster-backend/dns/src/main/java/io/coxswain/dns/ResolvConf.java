package io.coxswain.dns;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The nameservers of a resolv.conf (read by the client module's ResolvConf), as the default upstreams (CoreDNS's {@code forward . /etc/resolv.conf}). */
final class ResolvConf {

    static final Path HOST = io.coxswain.client.host.ResolvConf.HOST;
    private static final Logger LOG = LoggerFactory.getLogger(ResolvConf.class);

    private ResolvConf() {
    }

    static List<InetSocketAddress> nameservers(Path file) {
        List<InetSocketAddress> out = new ArrayList<>();
        try {
            for (String server : io.coxswain.client.host.ResolvConf.read(file).nameservers()) {
                try {
                    out.add(new InetSocketAddress(InetAddress.getByName(server), 53));
                } catch (UnknownHostException e) {
                    LOG.warn("{}: nameserver {} is not an address; skipped", file, server);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot read {} ({}): no upstream resolvers", file, e.getMessage());
        }
        return out;
    }
}
