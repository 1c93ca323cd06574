package io.lianbang.devcerts;

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
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
 *
 * <p>{@link #generate} writes into a directory without these files; {@link #complete} keeps
 * what a directory already holds (its CA signs the new certificates) and adds what is missing,
 * so that running it again with more clients or after a lost file works. Neither overwrites a
 * file.
 */
public final class DevCertificates {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,127}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private DevCertificates() {}

  /**
   * The files, by role, and which of them already existed.
   *
   * @param kept the files that existed and were kept (empty after {@link #generate})
   */
  public record Generated(Path caCertificate, Path serverCertificate, Path serverKey, List<Path> clientFiles, List<Path> kept) {}

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
    return write(out, serverHosts, clients, validity, null);
  }

  /**
   * Like {@link #generate}, but keeps the files {@code out} already holds: an existing CA (both
   * {@code ca.pem} and {@code ca-key.pem}) signs the certificates that are missing, and an
   * existing server or client certificate is kept with its key if the CA signed it.
   *
   * @param keys reads each kept private key and checks that it belongs to its certificate
   * @throws IllegalArgumentException if a client name is invalid or repeated, a certificate or key
   *     exists without its pair, a kept certificate was not signed by the CA, or a file cannot be
   *     parsed
   * @throws UncheckedIOException if a file cannot be read or written
   */
  public static Generated complete(Path out, List<String> serverHosts, List<String> clients, Duration validity, KeyReader keys) {
    Objects.requireNonNull(keys, "keys");
    return write(out, serverHosts, clients, validity, keys);
  }

  /**
   * Reads a kept private key and checks that it belongs to a certificate; in Lianbang,
   * {@code io.lianbang.grpc.tls.KeyMatch::key}, the check the TLS settings make at load.
   */
  @FunctionalInterface
  public interface KeyReader {
    /**
     * @param certified the certificate's public key
     * @param certificate names the certificate in messages
     * @param privateKey the PEM file of the key
     * @throws IOException naming the files if the key cannot be read or does not match
     */
    PrivateKey read(PublicKey certified, String certificate, Path privateKey) throws IOException;
  }

  private static Generated write(Path out, List<String> serverHosts, List<String> clients, Duration validity, KeyReader keyReader) {
    boolean keep = keyReader != null;
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
      if (!keep) {
        for (String f : List.of("ca.pem", "ca-key.pem", "server.pem", "server-key.pem")) requireAbsent(out.resolve(f));
        for (String c : names) {
          requireAbsent(out.resolve("client-" + c + ".pem"));
          requireAbsent(out.resolve("client-" + c + "-key.pem"));
        }
      }
      Instant now = Instant.now();
      Path caPem = out.resolve("ca.pem");
      Path caKeyPem = out.resolve("ca-key.pem");
      Path serverPem = out.resolve("server.pem");
      Path serverKey = out.resolve("server-key.pem");
      Map<Path, Path> pairs = new LinkedHashMap<>(); // certificate -> key, the server's then the clients'
      pairs.put(serverPem, serverKey);
      for (String c : names) pairs.put(out.resolve("client-" + c + ".pem"), out.resolve("client-" + c + "-key.pem"));

      // Everything that exists is checked before anything is written.
      List<Path> kept = new ArrayList<>();
      boolean caExists = exists(caPem, caKeyPem);
      X509Certificate ca = caExists ? readCertificate(caPem) : null;
      PrivateKey caKey = caExists ? readKey(keyReader, caKeyPem, ca) : null;
      if (caExists) {
        kept.add(caPem);
        kept.add(caKeyPem);
      }
      for (Map.Entry<Path, Path> pair : pairs.entrySet()) {
        if (!exists(pair.getKey(), pair.getValue())) continue;
        if (!caExists) {
          throw new IllegalArgumentException(pair.getKey() + " exists but ca.pem and ca-key.pem do not: restore the CA that signed it, "
              + "or move it and its key away");
        }
        keepSigned(pair.getKey(), pair.getValue(), ca, kept, keyReader);
      }

      KeyPair caKeys;
      X500Name caName;
      if (caExists) {
        caKeys = new KeyPair(ca.getPublicKey(), caKey);
        caName = X500Name.getInstance(ca.getSubjectX500Principal().getEncoded());
      } else {
        caKeys = keyPair();
        caName = new X500Name("CN=Lianbang development CA");
        ca = sign(caName, caKeys, caName, caKeys, now, validity, true, null, null);
        write(caPem, pem("CERTIFICATE", ca.getEncoded()), false);
        write(caKeyPem, pem("PRIVATE KEY", caKeys.getPrivate().getEncoded()), true);
      }

      Set<String> hosts = new LinkedHashSet<>(serverHosts);
      hosts.add("localhost");
      hosts.add("127.0.0.1");
      List<GeneralName> sans = new ArrayList<>();
      for (String h : hosts) sans.add(isAddress(h) ? new GeneralName(GeneralName.iPAddress, h) : new GeneralName(GeneralName.dNSName, h));
      if (!kept.contains(serverPem)) {
        KeyPair serverKeys = keyPair();
        X509Certificate server = sign(new X500Name("CN=" + serverHosts.stream().findFirst().orElse("localhost")), serverKeys,
            caName, caKeys, now, validity, false, KeyPurposeId.id_kp_serverAuth, new GeneralNames(sans.toArray(GeneralName[]::new)));
        write(serverPem, pem("CERTIFICATE", server.getEncoded()), false);
        write(serverKey, pem("PRIVATE KEY", serverKeys.getPrivate().getEncoded()), true);
      }

      List<Path> clientFiles = new ArrayList<>();
      for (String c : names) {
        Path certFile = out.resolve("client-" + c + ".pem");
        Path keyFile = out.resolve("client-" + c + "-key.pem");
        if (!kept.contains(certFile)) {
          KeyPair keys = keyPair();
          X509Certificate cert = sign(new X500Name("CN=" + c), keys, caName, caKeys, now, validity, false,
              KeyPurposeId.id_kp_clientAuth, null);
          write(certFile, pem("CERTIFICATE", cert.getEncoded()), false);
          write(keyFile, pem("PRIVATE KEY", keys.getPrivate().getEncoded()), true);
        }
        clientFiles.add(certFile);
        clientFiles.add(keyFile);
      }
      return new Generated(caPem, serverPem, serverKey, clientFiles, List.copyOf(kept));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write certificates into " + out + ": " + e.getMessage(), e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot generate certificates: " + e.getMessage(), e);
    }
  }

  private static void requireAbsent(Path p) {
    if (Files.exists(p)) throw new IllegalArgumentException(p + " already exists; choose an empty directory");
  }

  /**
   * Whether a certificate and its key both exist (false if neither does).
   *
   * @throws IllegalArgumentException if only one of them exists: a key is never replaced silently
   */
  private static boolean exists(Path certificate, Path key) {
    boolean c = Files.exists(certificate);
    boolean k = Files.exists(key);
    if (c && !k) {
      throw new IllegalArgumentException(certificate + " exists without its key " + key.getFileName()
          + ": move it away to make a new pair");
    }
    if (k && !c) {
      throw new IllegalArgumentException(key + " exists without its certificate " + certificate.getFileName()
          + ": move it away to make a new pair");
    }
    return c;
  }

  /** Keeps an existing pair after checking that {@code ca} signed the certificate and the key belongs to it. */
  private static void keepSigned(Path certificate, Path key, X509Certificate ca, List<Path> kept, KeyReader keys)
      throws IOException {
    X509Certificate cert = readCertificate(certificate);
    try {
      cert.verify(ca.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(certificate + " was not signed by the CA in ca.pem: move it and its key away to make a new pair", e);
    }
    readKey(keys, key, cert);
    kept.add(certificate);
    kept.add(key);
  }

  private static X509Certificate readCertificate(Path file) throws IOException {
    try (var in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IllegalArgumentException(file + " is not a PEM certificate: " + e.getMessage(), e);
    }
  }

  /** Reads a private key and checks that it belongs to {@code certificate}. */
  private static PrivateKey readKey(KeyReader keys, Path file, X509Certificate certificate) {
    try {
      return keys.read(certificate.getPublicKey(), certificate.getSubjectX500Principal().getName(), file);
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
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
