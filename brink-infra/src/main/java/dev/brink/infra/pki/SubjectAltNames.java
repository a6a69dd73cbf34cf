package dev.brink.infra.pki;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.util.IPAddress;

/** Subject alternative names: building them, reading them back and comparing them. */
public final class SubjectAltNames {
    private SubjectAltNames() {
    }

    public static boolean isIpAddress(String s) {
        return IPAddress.isValid(s);
    }

    static GeneralNames of(Collection<String> dnsNames, Collection<String> ips) {
        List<GeneralName> names = new ArrayList<>();
        dnsNames.forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
        for (String ip : ips) {
            if (!IPAddress.isValid(ip)) {
                throw new IllegalArgumentException("'" + ip + "' is not an IP address");
            }
            names.add(new GeneralName(GeneralName.iPAddress, ip));
        }
        return new GeneralNames(names.toArray(GeneralName[]::new));
    }

    /** The certificate's DNS SANs, lower case. */
    public static Set<String> dnsNames(X509Certificate cert) {
        return sans(cert, GeneralName.dNSName);
    }

    /** The certificate's IP SANs, in the canonical form of {@link #normaliseIps}. */
    public static Set<String> ipAddresses(X509Certificate cert) {
        return normaliseIps(sans(cert, GeneralName.iPAddress));
    }

    public static Set<String> normaliseDns(Collection<String> names) {
        Set<String> out = new TreeSet<>();
        names.forEach(n -> out.add(n.toLowerCase(Locale.ROOT)));
        return out;
    }

    /** IPv6 has many spellings ("::1", "0:0:0:0:0:0:0:1"): compare the canonical Java form. */
    public static Set<String> normaliseIps(Collection<String> ips) {
        Set<String> out = new TreeSet<>();
        for (String ip : ips) {
            try {
                // an IP literal is parsed, never resolved through DNS
                out.add(IPAddress.isValid(ip) ? InetAddress.getByName(ip).getHostAddress() : ip);
            } catch (UnknownHostException e) {
                out.add(ip);
            }
        }
        return out;
    }

    private static Set<String> sans(X509Certificate cert, int type) {
        Set<String> out = new TreeSet<>();
        try {
            Collection<List<?>> all = cert.getSubjectAlternativeNames();
            if (all != null) {
                for (List<?> entry : all) {
                    if (((Integer) entry.get(0)) == type) {
                        out.add(((String) entry.get(1)).toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            throw new IllegalStateException("Cannot read the certificate's subject alternative names", e);
        }
        return out;
    }
}
