package io.coxswain.launcher;

import io.coxswain.controllers.ControllerOptions;
import io.coxswain.controllers.nodeipam.NodeIpamController;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** kube-controller-manager's node IPAM flags: every node's podCIDR comes from the cluster CIDR. */
final class NodeCidrOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--allocate-node-cidrs", defaultValue = "true", fallbackValue = "true", arity = "0..1",
            description = "give every node a spec.podCIDR from --cluster-cidr (default ${DEFAULT-VALUE})")
    boolean allocate = true;

    @Option(names = "--cluster-cidr", defaultValue = ControllerOptions.DEFAULT_CLUSTER_CIDR,
            description = "the range of pod addresses across the cluster, IPv4 (default ${DEFAULT-VALUE})")
    String clusterCidr = ControllerOptions.DEFAULT_CLUSTER_CIDR;

    @Option(names = "--node-cidr-mask-size", defaultValue = "24",
            description = "the prefix length of each node's podCIDR (default ${DEFAULT-VALUE})")
    int maskSize = 24;

    /** {@code options} with these flags; a cluster CIDR that can't be cut into node blocks is a usage error. */
    ControllerOptions apply(ControllerOptions options) {
        if (!allocate) {
            return options.withNodeCidrs(null, maskSize);
        }
        try {
            NodeIpamController.check(clusterCidr, maskSize);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        return options.withNodeCidrs(clusterCidr, maskSize);
    }
}
