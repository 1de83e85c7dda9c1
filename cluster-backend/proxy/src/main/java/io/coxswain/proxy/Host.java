package io.coxswain.proxy;

import io.coxswain.client.host.HostCommand;
import io.coxswain.client.host.HostCommand.Result;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/** The host's networking tools (iptables-save, iptables-restore, ip), each run with a deadline ({@link HostCommand}). */
final class Host {

    private static final Logger LOG = LoggerFactory.getLogger(Host.class);

    private Host() {
    }

    private static Result run(List<String> command, String stdin) {
        return HostCommand.run(command, stdin);
    }

    /** Everything in the filter and nat tables. */
    static HostTables save() {
        StringBuilder all = new StringBuilder();
        for (String table : List.of("filter", "nat")) {
            Result r = run(List.of("iptables-save", "-t", table), null);
            if (!r.ok()) {
                throw new IllegalStateException("iptables-save -t " + table + " failed (" + r.exitCode() + "): " + r.stderr().strip());
            }
            all.append(r.stdout());
        }
        return HostTables.parse(all.toString());
    }

    /** Applies rules atomically with {@code iptables-restore --noflush}; on refusal logs the error and the numbered input. */
    static void restore(String text) {
        Result r = run(List.of("iptables-restore", "-w", "5", "--noflush"), text);
        if (!r.ok()) {
            StringBuilder numbered = new StringBuilder();
            String[] lines = text.split("\n");
            for (int i = 0; i < lines.length; i++) {
                numbered.append(String.format("%5d  %s%n", i + 1, lines[i]));
            }
            LOG.error("iptables-restore refused the rules (exit {}): {}\n{}", r.exitCode(), r.stderr().strip(), numbered);
            throw new IllegalStateException("iptables-restore failed (" + r.exitCode() + "): " + r.stderr().strip());
        }
    }

    /** Adds {@code local <cidr> dev lo table local} unless the local table already has that route. */
    static void ensureLocalRoute(String cidr) {
        Result show = run(List.of("ip", "-4", "route", "show", "table", "local", "exact", cidr), null);
        if (show.ok() && show.stdout().contains("local " + cidr)) {
            return;
        }
        Result add = run(List.of("ip", "route", "add", "local", cidr, "dev", "lo", "table", "local"), null);
        if (!add.ok() && !add.stderr().contains("File exists")) {
            throw new IllegalStateException("ip route add local " + cidr + " dev lo table local failed: " + add.stderr().strip());
        }
        LOG.info("routed service range {} to lo (table local)", cidr);
    }

    static void removeLocalRoute(String cidr) {
        Result del = run(List.of("ip", "route", "del", "local", cidr, "dev", "lo", "table", "local"), null);
        if (!del.ok() && !del.stderr().contains("No such process")) {
            LOG.warn("ip route del local {} dev lo table local failed: {}", cidr, del.stderr().strip());
        }
    }
}
