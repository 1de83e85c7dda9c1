package io.coxswain.api;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Who a verified client certificate says its holder is, read as kube's x509 authenticator reads it (the apiserver's
 * and the kubelet's alike): the common name is the user, each organization a group, and every authenticated user is
 * also in {@code system:authenticated}.
 */
public record CertificateSubject(String user, List<String> groups) {

    public static final String AUTHENTICATED = "system:authenticated";

    /**
     * The subject of the first certificate of a chain the TLS handshake already verified, or null when there is none
     * or it names no user.
     */
    public static CertificateSubject of(List<Certificate> chain) {
        if (chain == null || chain.isEmpty() || !(chain.get(0) instanceof X509Certificate leaf)) {
            return null;
        }
        String cn = null;
        List<String> groups = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName(X500Principal.RFC2253)).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    cn = String.valueOf(rdn.getValue());
                } else if (rdn.getType().equalsIgnoreCase("O")) {
                    groups.add(String.valueOf(rdn.getValue()));
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        if (cn == null || cn.isEmpty()) {
            return null;
        }
        if (!groups.contains(AUTHENTICATED)) {
            groups.add(AUTHENTICATED);
        }
        return new CertificateSubject(cn, List.copyOf(groups));
    }
}
