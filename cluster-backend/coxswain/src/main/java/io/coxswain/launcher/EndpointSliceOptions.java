package io.coxswain.launcher;

import io.coxswain.controllers.ControllerOptions;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** kube-controller-manager's EndpointSlice flag. */
final class EndpointSliceOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--max-endpoints-per-slice", defaultValue = "100",
            description = "the most endpoints the EndpointSlice controller puts in one slice, 1 to 1000 (default ${DEFAULT-VALUE})")
    int maxEndpointsPerSlice = ControllerOptions.DEFAULT_MAX_ENDPOINTS_PER_SLICE;

    /** {@code options} with this flag; a value out of range is a usage error. */
    ControllerOptions apply(ControllerOptions options) {
        try {
            return options.withMaxEndpointsPerSlice(maxEndpointsPerSlice);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
