package io.coxswain.apiserver.table;

import io.coxswain.schemas.GroupVersionKind;

import java.util.HashMap;
import java.util.Map;

/** Maps a group and kind (any version) to its {@link RowPrinter}; unknown kinds get NAME/AGE. */
public final class PrinterRegistry {

    private static final PrinterRegistry DEFAULTS = new PrinterRegistry()
            .register("", "Pod", new PodPrinter())
            .register("", "Service", new ServicePrinter())
            .register("", "Namespace", new NamespacePrinter())
            .register("", "ConfigMap", new ConfigMapPrinter())
            .register("", "Secret", new SecretPrinter())
            .register("", "ServiceAccount", new ServiceAccountPrinter())
            .register("", "Node", new NodePrinter())
            .register("", "Endpoints", new EndpointsPrinter())
            .register("", "Event", new EventPrinter())
            .register("", "ReplicationController", ReplicaSetPrinter.replicationControllers())
            .register("apps", "ReplicaSet", ReplicaSetPrinter.replicaSets())
            .register("apps", "Deployment", new DeploymentPrinter())
            .register("apps", "DaemonSet", new DaemonSetPrinter())
            .register("apps", "StatefulSet", new StatefulSetPrinter())
            .register("batch", "Job", new JobPrinter())
            .register("batch", "CronJob", new CronJobPrinter())
            .register("coordination.k8s.io", "Lease", new LeasePrinter())
            .register("discovery.k8s.io", "EndpointSlice", new EndpointSlicePrinter())
            .register("certificates.k8s.io", "CertificateSigningRequest", new CertificateSigningRequestPrinter())
            .register("rbac.authorization.k8s.io", "Role", new RbacPrinters.RolePrinter())
            .register("rbac.authorization.k8s.io", "ClusterRole", new RbacPrinters.RolePrinter())
            .register("rbac.authorization.k8s.io", "RoleBinding", new RbacPrinters.BindingPrinter())
            .register("rbac.authorization.k8s.io", "ClusterRoleBinding", new RbacPrinters.BindingPrinter());

    private final Map<String, RowPrinter> printers = new HashMap<>();
    private final RowPrinter fallback = new DefaultPrinter();

    /** The built-in printers. */
    public static PrinterRegistry defaults() {
        return DEFAULTS;
    }

    private PrinterRegistry register(String group, String kind, RowPrinter printer) {
        printers.put(group + "/" + kind, printer);
        return this;
    }

    /** The printer for the kind, or the NAME/AGE default. */
    public RowPrinter printerFor(GroupVersionKind gvk) {
        return printers.getOrDefault(gvk.group() + "/" + gvk.kind(), fallback);
    }
}
