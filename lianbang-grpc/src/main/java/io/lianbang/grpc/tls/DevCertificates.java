package io.lianbang.grpc.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A development certificate authority: one CA, a server certificate for the given host names and
 * addresses, and one client certificate per client whose common name (CN) is the client's
 * identity on the server. Keys are ECDSA P-256 from the JDK's {@link SecureRandom}; certificates
 * are signed with SHA-256.
 *
 * <p>Files written into the output directory (PEM; private keys PKCS#8, readable by the owner
 * only): {@code ca.pem}, {@code ca-key.pem}, {@code server.pem}, {@code server-key.pem}, and
 * {@code client-NAME.pem}, {@code client-NAME-key.pem} per client. For production, use
 * certificates from your organisation's CA instead.
 */
public final class DevCertificates {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,127}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private DevCertificates() {}

  /** The files written, by role. */
  public record Generated(Path caCertificate, Path serverCertificate, Path serverKey, List<Path> clientFiles) {}

  /**
   * Generates the CA, the server and the client certificates into {@code out}.
   *
   * @param serverHosts DNS names or IP addresses clients use to reach the server; localhost and
   *     127.0.0.1 are always added
   * @param clients client identities (their certificates' CN)
   * @param validity how long the certificates are valid
   * @throws IllegalArgumentException if a client name is invalid or repeated, or a file exists
   * @throws UncheckedIOException if a file cannot be written
   */
  public static Generated generate(Path out, List<String> serverHosts, List<String> clients, Duration validity) {
    Objects.requireNonNull(out, "out");
    Set<String> names = new LinkedHashSet<>();
    for (String c : clients) {
      if (!NAME.matcher(c).matches()) {
        throw new IllegalArgumentException("client name '" + c + "' is invalid: 1 to 128 letters, digits, '.', '_', '@' or '-'");
      }
      if (!names.add(c)) throw new IllegalArgumentException("client name '" + c + "' is given twice");
    }
    try {
      Files.createDirectories(out);
      for (String f : List.of("ca.pem", "ca-key.pem", "server.pem", "server-key.pem")) requireAbsent(out.resolve(f));
      for (String c : names) {
        requireAbsent(out.resolve("client-" + c + ".pem"));
        requireAbsent(out.resolve("client-" + c + "-key.pem"));
      }
      Instant now = Instant.now();
      KeyPair caKeys = keyPair();
      X500Name caName = new X500Name("CN=Lianbang development CA");
      X509Certificate ca = sign(caName, caKeys, caName, caKeys, now, validity, true, null, null);
      write(out.resolve("ca.pem"), pem("CERTIFICATE", ca.getEncoded()), false);
      write(out.resolve("ca-key.pem"), pem("PRIVATE KEY", caKeys.getPrivate().getEncoded()), true);

      Set<String> hosts = new LinkedHashSet<>(serverHosts);
      hosts.add("localhost");
      hosts.add("127.0.0.1");
      List<GeneralName> sans = new ArrayList<>();
      for (String h : hosts) sans.add(isAddress(h) ? new GeneralName(GeneralName.iPAddress, h) : new GeneralName(GeneralName.dNSName, h));
      KeyPair serverKeys = keyPair();
      X509Certificate server = sign(new X500Name("CN=" + serverHosts.stream().findFirst().orElse("localhost")), serverKeys,
          caName, caKeys, now, validity, false, KeyPurposeId.id_kp_serverAuth, new GeneralNames(sans.toArray(GeneralName[]::new)));
      Path serverPem = out.resolve("server.pem");
      Path serverKey = out.resolve("server-key.pem");
      write(serverPem, pem("CERTIFICATE", server.getEncoded()), false);
      write(serverKey, pem("PRIVATE KEY", serverKeys.getPrivate().getEncoded()), true);

      List<Path> clientFiles = new ArrayList<>();
      for (String c : names) {
        KeyPair keys = keyPair();
        X509Certificate cert = sign(new X500Name("CN=" + c), keys, caName, caKeys, now, validity, false,
            KeyPurposeId.id_kp_clientAuth, null);
        Path certFile = out.resolve("client-" + c + ".pem");
        Path keyFile = out.resolve("client-" + c + "-key.pem");
        write(certFile, pem("CERTIFICATE", cert.getEncoded()), false);
        write(keyFile, pem("PRIVATE KEY", keys.getPrivate().getEncoded()), true);
        clientFiles.add(certFile);
        clientFiles.add(keyFile);
      }
      return new Generated(out.resolve("ca.pem"), serverPem, serverKey, clientFiles);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write certificates into " + out + ": " + e.getMessage(), e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot generate certificates: " + e.getMessage(), e);
    }
  }

  private static void requireAbsent(Path p) {
    if (Files.exists(p)) throw new IllegalArgumentException(p + " already exists; choose an empty directory");
  }

  private static boolean isAddress(String host) {
    if (!host.matches("[0-9.]+|[0-9a-fA-F:]+:[0-9a-fA-F:.]*")) return false;
    try {
      InetAddress.getByName(host); // literal addresses parse without a lookup
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return g.generateKeyPair();
  }

  private static X509Certificate sign(X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys,
      Instant now, Duration validity, boolean isCa, KeyPurposeId purpose, GeneralNames sans)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, new BigInteger(127, RANDOM).add(BigInteger.ONE),
        Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)), subject, subjectKeys.getPublic());
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
    b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKeys.getPublic()));
    b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuerKeys.getPublic()));
    if (isCa) {
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } else {
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
    }
    if (sans != null) b.addExtension(Extension.subjectAlternativeName, false, sans);
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static void write(Path p, String content, boolean secret) throws IOException {
    Files.writeString(p, content, StandardCharsets.US_ASCII);
    if (secret) {
      try {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: permissions are the platform's default
      }
    }
  }
}
