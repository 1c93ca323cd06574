package io.lianbang.grpc.tls;

import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The server's TLS material, as PEM files.
 *
 * @param certificateChain the server certificate (and intermediates)
 * @param privateKey its private key: PKCS#8, or a traditional OpenSSL RSA or EC key
 * @param clientCa the authority whose certificates clients must present (mutual TLS), or null to
 *     accept clients without certificates (they then authenticate with tokens)
 */
public record ServerTls(Path certificateChain, Path privateKey, Path clientCa) {
  public ServerTls {
    Objects.requireNonNull(certificateChain, "certificateChain");
    Objects.requireNonNull(privateKey, "privateKey");
  }

  /**
   * gRPC credentials for these files.
   *
   * @throws UncheckedIOException naming the file if one cannot be read or parsed, and both files
   *     if the private key does not match the certificate
   */
  public ServerCredentials credentials() {
    requireReadable("certificateChain", certificateChain);
    requireReadable("privateKey", privateKey);
    try {
      TlsServerCredentials.Builder b = TlsServerCredentials.newBuilder();
      KeyMatch.keyManager(certificateChain, privateKey, b::keyManager);
      if (clientCa != null) {
        requireReadable("clientCa", clientCa);
        b.trustManager(clientCa.toFile()).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
      }
      return b.build();
    } catch (IOException | RuntimeException e) {
      throw new UncheckedIOException(new IOException("cannot load the server's TLS files (" + certificateChain + ", " + privateKey
          + (clientCa == null ? "" : ", " + clientCa) + "): " + e.getMessage(), e));
    }
  }

  static void requireReadable(String what, Path p) {
    if (!Files.isReadable(p)) throw new UncheckedIOException(new IOException(what + " " + p + " does not exist or is not readable"));
  }
}
