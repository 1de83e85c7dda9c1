package io.coxswain.ls.cluster;

/** What the editor shows about the link: connected, unreachable (retrying), or no cluster configured. */
public record ConnectionState(String state, String server, String context, String message) {

    public static final String CONNECTED = "connected";
    public static final String UNREACHABLE = "unreachable";
    public static final String DISCONNECTED = "disconnected";

    public boolean connected() {
        return CONNECTED.equals(state);
    }
}
