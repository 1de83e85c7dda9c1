package io.coxswain.kubelet.cni;

import java.nio.file.Path;
import java.util.List;

/**
 * Where the CNI plugins and their state live, and the shape of the node's pod network.
 *
 * @param binDirs    where the plugin binaries are looked for, in order (the kubelet's --cni-bin-dir)
 * @param stateDir   libcni's cache ({@code results/}) and host-local's allocations ({@code networks/}); machine-wide by
 *                   default, as /var/lib/cni is, so every kubelet of one machine draws from one record of used addresses
 * @param masquerade the bridge plugin's ipMasq: pods' traffic that leaves the node's pod CIDR takes the node's address.
 *                   Off where the overlay agent masquerades what leaves the cluster CIDR (pod-to-pod keeps its source)
 * @param mtu        the pods' MTU, 0 for the plugin's default (the overlay's MTU where one carries pod traffic)
 */
public record CniOptions(List<Path> binDirs, Path stateDir, boolean masquerade, int mtu) {

    public static final List<Path> DEFAULT_BIN_DIRS = List.of(Path.of("/usr/lib/cni"), Path.of("/opt/cni/bin"));
    public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/cni");

    public static CniOptions defaults() {
        return new CniOptions(DEFAULT_BIN_DIRS, DEFAULT_STATE_DIR, true, 0);
    }

    public CniOptions withMasquerade(boolean on) {
        return new CniOptions(binDirs, stateDir, on, mtu);
    }

    public CniOptions withMtu(int value) {
        return new CniOptions(binDirs, stateDir, masquerade, value);
    }
}
