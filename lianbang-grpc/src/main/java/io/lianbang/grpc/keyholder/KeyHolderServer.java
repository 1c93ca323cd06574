package io.lianbang.grpc.keyholder;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.lianbang.grpc.tls.ServerTls;
import io.lianbang.privacy.paillier.LocalKeyHolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A running {@code lianbang.v1.KeyHolder} service on a TCP socket. TLS is required unless the
 * address is loopback. The largest request it accepts is {@code maxLength} ciphertexts of the
 * key's size (2·bits/8 bytes each) plus framing.
 */
public final class KeyHolderServer implements AutoCloseable {
  private final Server server;

  private KeyHolderServer(Server server) {
    this.server = server;
  }

  /**
   * Starts serving {@code holder} on {@code host:port} (port 0 picks a free one).
   *
   * @param maxLength the most ciphertexts an aggregate may hold (the model's value count + 2)
   * @param tls the server's certificate and key, or null for plaintext (loopback only)
   * @throws IllegalArgumentException if plaintext is asked for on a non-loopback address, the host
   *     is unknown or maxLength is out of range
   * @throws UncheckedIOException if the server cannot start
   */
  public static KeyHolderServer start(String host, int port, LocalKeyHolder holder, int maxLength, ServerTls tls) {
    Objects.requireNonNull(holder, "holder");
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("key holder address " + host + " is unknown: " + e.getMessage(), e);
    }
    if (tls == null && !address.isLoopbackAddress()) {
      throw new IllegalArgumentException("the key holder serves plaintext only on a loopback address, not " + host + "; give it a certificate and key");
    }
    long perCiphertext = 2L * ((2L * holder.publicKey().bits() + 7) / 8 + 8);
    long maxBytes = (long) maxLength * perCiphertext + (64 << 10);
    if (maxLength < 3 || maxBytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("max_length must be in [3, " + ((Integer.MAX_VALUE - (64 << 10)) / perCiphertext) + "] for a "
          + holder.publicKey().bits() + "-bit key, got " + maxLength);
    }
    Server s = NettyServerBuilder.forAddress(new InetSocketAddress(address, port),
            tls == null ? InsecureServerCredentials.create() : tls.credentials())
        .addService(new KeyHolderService(holder, maxLength))
        .maxInboundMessageSize((int) maxBytes)
        .build();
    try {
      s.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the key holder on " + host + ":" + port + ": " + e.getMessage(), e);
    }
    return new KeyHolderServer(s);
  }

  /** The port it listens on. */
  public int port() {
    return server.getPort();
  }

  /** Waits until the server stops (it stops when the process is ended). */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
