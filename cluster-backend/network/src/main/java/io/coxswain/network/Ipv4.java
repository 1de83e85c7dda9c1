package io.coxswain.network;

import java.util.regex.Pattern;

/** IPv4 addresses and CIDRs as text, checked; flannel's overlay is IPv4 here. */
final class Ipv4 {

    private static final Pattern ADDRESS = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern MAC = Pattern.compile("([0-9a-f]{2}:){5}[0-9a-f]{2}");

    private Ipv4() {
    }

    static boolean isAddress(String text) {
        if (text == null || !ADDRESS.matcher(text).matches()) {
            return false;
        }
        for (String part : text.split("\\.")) {
            if (Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    /** A MAC address in iproute2's lower-case form, or null when it is not one. */
    static String mac(String text) {
        if (text == null) {
            return null;
        }
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        return MAC.matcher(lower).matches() ? lower : null;
    }

    /**
     * The CIDR in its network form ({@code 10.244.1.0/24}); the network address is flannel's VTEP address of that subnet.
     *
     * @throws IllegalArgumentException when it is not an IPv4 CIDR
     */
    static String network(String cidr) {
        int slash = cidr == null ? -1 : cidr.indexOf('/');
        if (slash < 0 || !isAddress(cidr.substring(0, slash))) {
            throw new IllegalArgumentException("not an IPv4 CIDR: " + cidr);
        }
        int prefix;
        try {
            prefix = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an IPv4 CIDR: " + cidr);
        }
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("not an IPv4 CIDR: " + cidr);
        }
        int address = 0;
        for (String part : cidr.substring(0, slash).split("\\.")) {
            address = (address << 8) | Integer.parseInt(part);
        }
        int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
        int net = address & mask;
        return ((net >>> 24) & 255) + "." + ((net >>> 16) & 255) + "." + ((net >>> 8) & 255) + "." + (net & 255) + "/" + prefix;
    }

    /** The first address of a CIDR ({@code 10.244.1.0} of {@code 10.244.1.0/24}). */
    static String firstAddress(String cidr) {
        String net = network(cidr);
        return net.substring(0, net.indexOf('/'));
    }
}
