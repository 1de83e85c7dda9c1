package io.coxswain.kubelet.cni;

/** IPv4 CIDR arithmetic for the node's pod range. */
final class Cidrs {

    private Cidrs() {
    }

    static boolean contains(String cidr, String ip) {
        String[] parts = cidr.split("/");
        int prefix = Integer.parseInt(parts[1]);
        long mask = prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
        return (value(parts[0]) & mask) == (value(ip) & mask);
    }

    private static long value(String ip) {
        String[] o = ip.split("\\.");
        if (o.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + ip);
        }
        long v = 0;
        for (String s : o) {
            v = (v << 8) | Integer.parseInt(s);
        }
        return v;
    }
}
