package io.lianbang.vertical.grpc;

import io.lianbang.grpc.tls.CertificateNames;
import io.lianbang.grpc.tls.ClientTls;
import io.lianbang.grpc.tls.ServerTls;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * A party's mutual-TLS material, as PEM files. Every party serves and calls: its server presents
 * {@code serverCertificate} (valid for the host name or address its peers dial), and its calls
 * present {@code certificate}, whose one common name (CN) is the party's name, the identity its
 * peers check. Both are signed by {@code ca}, which is also the authority every peer's
 * certificates must come from. One certificate with both the serverAuth and clientAuth
 * extended key usages may serve as both ({@link #of}).
 *
 * @param ca the authority of every party's certificates
 * @param certificate the party's certificate (CN = party name), presented when it calls a peer
 * @param privateKey its private key
 * @param serverCertificate the certificate the party's server presents
 * @param serverKey its private key
 */
public record GrpcLinkTls(Path ca, Path certificate, Path privateKey, Path serverCertificate, Path serverKey) {
  /** @throws NullPointerException naming the missing file */
  public GrpcLinkTls {
    Objects.requireNonNull(ca, "ca");
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(serverCertificate, "serverCertificate");
    Objects.requireNonNull(serverKey, "serverKey");
  }

  /** One certificate (serverAuth and clientAuth, CN = party name) for both directions. */
  public static GrpcLinkTls of(Path ca, Path certificate, Path privateKey) {
    return new GrpcLinkTls(ca, certificate, privateKey, certificate, privateKey);
  }

  /** The server side: {@code serverCertificate}, client certificates required from {@code ca}. */
  ServerTls serverTls() {
    return new ServerTls(serverCertificate, serverKey, ca);
  }

  /** The calling side: {@code certificate}, peers' servers trusted if {@code ca} signed them. */
  ClientTls clientTls() {
    return new ClientTls(ca, certificate, privateKey);
  }

  /**
   * The party name {@code certificate} carries, its one common name.
   *
   * @throws UncheckedIOException naming the file if it cannot be read or parsed
   * @throws IllegalArgumentException naming the file if it has no or several common names
   */
  String partyName() {
    try (InputStream in = Files.newInputStream(certificate)) {
      X509Certificate x = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      return CertificateNames.commonName(x);
    } catch (IOException e) {
      throw new UncheckedIOException(new IOException("certificate " + certificate + " cannot be read: " + e.getMessage(), e));
    } catch (GeneralSecurityException e) {
      throw new UncheckedIOException(new IOException("certificate " + certificate + " cannot be parsed: " + e.getMessage(), e));
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException("certificate " + certificate + ": " + e.getMessage(), e);
    }
  }
}
