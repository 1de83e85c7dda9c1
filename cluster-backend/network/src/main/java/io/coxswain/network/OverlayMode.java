package io.coxswain.network;

/** flannel's backends that this agent offers: VXLAN across any IP network, host-gw for nodes on one L2 segment. */
public enum OverlayMode {
    VXLAN("vxlan"),
    HOST_GW("host-gw");

    /** The value of the {@code coxswain.io/backend-type} annotation (flannel's names). */
    public final String backendType;

    OverlayMode(String backendType) {
        this.backendType = backendType;
    }

    public static OverlayMode parse(String text) {
        for (OverlayMode mode : values()) {
            if (mode.backendType.equalsIgnoreCase(text) || mode.name().equalsIgnoreCase(text)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown overlay mode '" + text + "': expected vxlan or host-gw");
    }
}
