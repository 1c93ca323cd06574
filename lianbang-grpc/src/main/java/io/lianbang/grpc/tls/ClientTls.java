package io.lianbang.grpc.tls;

import io.grpc.ChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A client's TLS material, as PEM files.
 *
 * @param serverCa the authority that signed the server's certificate
 * @param certificateChain the client's certificate for mutual TLS, or null
 * @param privateKey its private key (PKCS#8, or a traditional OpenSSL RSA or EC key), or null
 */
public record ClientTls(Path serverCa, Path certificateChain, Path privateKey) {
  /** @throws IllegalArgumentException if only one of certificate and key is given */
  public ClientTls {
    Objects.requireNonNull(serverCa, "serverCa");
    if ((certificateChain == null) != (privateKey == null)) {
      throw new IllegalArgumentException("a client certificate needs its private key and vice versa");
    }
  }

  /**
   * gRPC credentials for these files.
   *
   * @throws UncheckedIOException naming the file if one cannot be read or parsed, and both files
   *     if the private key does not match the certificate
   */
  public ChannelCredentials credentials() {
    ServerTls.requireReadable("serverCa", serverCa);
    try {
      TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder().trustManager(serverCa.toFile());
      if (certificateChain != null) {
        ServerTls.requireReadable("certificateChain", certificateChain);
        ServerTls.requireReadable("privateKey", privateKey);
        KeyMatch.keyManager(certificateChain, privateKey, b::keyManager);
      }
      return b.build();
    } catch (IOException | RuntimeException e) {
      throw new UncheckedIOException(new IOException("cannot load the client's TLS files: " + e.getMessage(), e));
    }
  }
}
