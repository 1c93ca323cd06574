package io.lianbang.grpc.tls;

import io.lianbang.core.text.Abbreviation;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/** The identity a verified peer certificate names: its one common name (CN). */
public final class CertificateNames {
  private CertificateNames() {}

  /**
   * The certificate's one common name.
   *
   * @throws IllegalStateException if the subject has no common name or more than one (which one
   *     would be the identity is ambiguous), or cannot be parsed
   */
  public static String commonName(X509Certificate cert) {
    List<String> names = new ArrayList<>();
    try {
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        Attribute cn = rdn.toAttributes().get("CN"); // also finds a CN inside a multi-valued RDN
        for (int i = 0; cn != null && i < cn.size(); i++) names.add(String.valueOf(cn.get(i)));
      }
    } catch (NamingException e) {
      throw new IllegalStateException("the client certificate's subject cannot be parsed: " + e.getMessage());
    }
    if (names.isEmpty()) throw new IllegalStateException("the client certificate has no common name (CN)");
    if (names.size() > 1) {
      throw new IllegalStateException("the client certificate's subject has " + names.size() + " common names (CN), "
          + Abbreviation.abbreviate(String.join(", ", names)).replaceAll("[^\\x20-\\x7e]", "?") + ": exactly one is required");
    }
    return names.get(0);
  }
}
