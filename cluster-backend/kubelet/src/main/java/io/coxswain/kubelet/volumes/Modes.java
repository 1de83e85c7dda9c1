package io.coxswain.kubelet.volumes;

import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/** File modes as Kubernetes writes them (0644) and Java's permission sets, both ways. */
public final class Modes {

    /** Bit 0 (others' execute) first, as in the octal number. */
    private static final PosixFilePermission[] ORDER = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};

    private Modes() {
    }

    public static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        for (int bit = 0; bit < ORDER.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                set.add(ORDER[bit]);
            }
        }
        return set;
    }

    public static int mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (int bit = 0; bit < ORDER.length; bit++) {
            if (permissions.contains(ORDER[bit])) {
                mode |= 1 << bit;
            }
        }
        return mode;
    }
}
