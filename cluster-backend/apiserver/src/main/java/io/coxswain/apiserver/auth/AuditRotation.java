package io.coxswain.apiserver.auth;

/**
 * When the audit log file is rotated, as kube-apiserver's {@code --audit-log-maxsize} (megabytes) and
 * {@code --audit-log-maxbackup} (files kept) say, with lumberjack's meaning of 0: a size of 0 is 100 MB, a count of
 * 0 keeps every backup. Backups are {@code audit.log.1} (the newest) to {@code audit.log.N}.
 *
 * @param maxBytes   the size past which the file is rotated before the next line
 * @param maxBackups how many rotated files are kept; 0 keeps all
 */
public record AuditRotation(long maxBytes, int maxBackups) {

    public static final AuditRotation DEFAULT = ofFlags(0, 0);

    public AuditRotation {
        if (maxBytes <= 0 || maxBackups < 0) {
            throw new IllegalArgumentException("audit log rotation needs a size above 0 and a backup count of 0 or more");
        }
    }

    /** From the flags: {@code --audit-log-maxsize} in megabytes (0: 100), {@code --audit-log-maxbackup} (0: all). */
    public static AuditRotation ofFlags(int maxSizeMegabytes, int maxBackups) {
        if (maxSizeMegabytes < 0 || maxBackups < 0) {
            throw new IllegalArgumentException("--audit-log-maxsize and --audit-log-maxbackup must be 0 or more");
        }
        return new AuditRotation((maxSizeMegabytes == 0 ? 100L : maxSizeMegabytes) * 1024 * 1024, maxBackups);
    }
}
