package io.coxswain.controllers.nodeipam;

import java.util.BitSet;

/**
 * The node-sized blocks of the cluster CIDR and which are taken, as kube-controller-manager's
 * {@code pkg/controller/nodeipam/ipam/cidrset}: 10.244.0.0/16 with a mask of 24 has 256 blocks; the next allocation
 * starts after the last one given, so a block a deleted node gave back is not handed out again at once. IPv4 only.
 * Not thread-safe: its controller calls it from one place under a lock.
 */
final class CidrSet {

    private final int base;
    private final int clusterPrefix;
    private final int nodePrefix;
    private final int blocks;
    private final BitSet used;
    private int next;

    CidrSet(String clusterCidr, int nodeMaskSize) {
        int slash = clusterCidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("--cluster-cidr " + clusterCidr + " is not in CIDR notation (as 10.244.0.0/16)");
        }
        if (clusterCidr.contains(":")) {
            throw new IllegalArgumentException("--cluster-cidr " + clusterCidr + ": only IPv4 cluster CIDRs are supported");
        }
        this.clusterPrefix = prefix(clusterCidr.substring(slash + 1), "--cluster-cidr " + clusterCidr);
        this.base = address(clusterCidr.substring(0, slash), "--cluster-cidr " + clusterCidr);
        if (nodeMaskSize < clusterPrefix || nodeMaskSize > 30) {
            throw new IllegalArgumentException("--node-cidr-mask-size " + nodeMaskSize + " must be between the cluster CIDR's prefix ("
                    + clusterPrefix + ") and 30");
        }
        if (nodeMaskSize - clusterPrefix > 16) {
            throw new IllegalArgumentException("--node-cidr-mask-size " + nodeMaskSize + " gives more than 65,536 node blocks in "
                    + clusterCidr + "; kube-controller-manager allows at most 16 bits between the two masks");
        }
        if ((base & mask(clusterPrefix)) != base) {
            throw new IllegalArgumentException("--cluster-cidr " + clusterCidr + " has host bits set; the network is "
                    + format(base & mask(clusterPrefix)) + "/" + clusterPrefix);
        }
        this.nodePrefix = nodeMaskSize;
        this.blocks = 1 << (nodeMaskSize - clusterPrefix);
        this.used = new BitSet(blocks);
    }

    /** The next free block, marked used; null when every block is taken. */
    String allocate() {
        for (int i = 0; i < blocks; i++) {
            int candidate = (next + i) % blocks;
            if (!used.get(candidate)) {
                used.set(candidate);
                next = (candidate + 1) % blocks;
                return block(candidate);
            }
        }
        return null;
    }

    /** Marks a block that a node already has as taken; false when it is not one of this set's blocks. */
    boolean occupy(String cidr) {
        int index = indexOf(cidr);
        if (index < 0) {
            return false;
        }
        used.set(index);
        return true;
    }

    /** Gives a block back. */
    void release(String cidr) {
        int index = indexOf(cidr);
        if (index >= 0) {
            used.clear(index);
        }
    }

    int free() {
        return blocks - used.cardinality();
    }

    private String block(int index) {
        return format(base + (index << (32 - nodePrefix))) + "/" + nodePrefix;
    }

    /** The block's index, or -1 when {@code cidr} is not exactly one of this set's blocks. */
    private int indexOf(String cidr) {
        int slash = cidr == null ? -1 : cidr.indexOf('/');
        if (slash < 0 || cidr.contains(":")) {
            return -1;
        }
        try {
            int address = address(cidr.substring(0, slash), cidr);
            int prefix = prefix(cidr.substring(slash + 1), cidr);
            if (prefix != nodePrefix || (address & mask(clusterPrefix)) != base || (address & mask(nodePrefix)) != address) {
                return -1;
            }
            return (address - base) >>> (32 - nodePrefix);
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    private static int mask(int prefix) {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    private static int prefix(String text, String where) {
        try {
            int p = Integer.parseInt(text);
            if (p < 0 || p > 32) {
                throw new IllegalArgumentException(where + ": prefix length " + p + " is not between 0 and 32");
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": prefix length " + text + " is not a number");
        }
    }

    private static int address(String text, String where) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException(where + ": " + text + " is not an IPv4 address");
        }
        int value = 0;
        for (String part : parts) {
            int octet;
            try {
                octet = Integer.parseInt(part);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": " + text + " is not an IPv4 address");
            }
            if (octet < 0 || octet > 255 || part.isEmpty() || (part.length() > 1 && part.startsWith("0"))) {
                throw new IllegalArgumentException(where + ": " + text + " is not an IPv4 address");
            }
            value = (value << 8) | octet;
        }
        return value;
    }

    private static String format(int address) {
        return (address >>> 24) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "." + (address & 0xff);
    }
}
