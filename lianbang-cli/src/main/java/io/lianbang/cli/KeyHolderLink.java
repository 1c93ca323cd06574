package io.lianbang.cli;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.lianbang.cli.config.ServerConfig;
import io.lianbang.core.strategy.Strategy;
import io.lianbang.grpc.client.ClientChannels;
import io.lianbang.grpc.keyholder.RemoteKeyHolder;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.tls.ClientTls;
import io.lianbang.privacy.paillier.PaillierAggregation;
import io.lianbang.sim.spec.Seconds;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The server's connection to the Paillier key holder ({@code privacy.paillier.key_holder}, a
 * {@code lianbang keyholder} process): TLS with {@code key_holder_ca}, plaintext only to a
 * loopback address; the key must have at least {@code key_bits} bits.
 */
final class KeyHolderLink implements AutoCloseable {
  private final ManagedChannel channel;
  private final RemoteKeyHolder holder;

  private KeyHolderLink(ManagedChannel channel, RemoteKeyHolder holder) {
    this.channel = channel;
    this.holder = holder;
  }

  /**
   * Checks the settings without connecting.
   *
   * @return the call deadline
   * @throws CliException naming the key and the value
   */
  static Duration validate(ServerConfig.Paillier p) {
    if (p.keyHolder == null || p.keyHolder.isBlank()) {
      throw new CliException("privacy.paillier.key_holder must be set (host:port of 'lianbang keyholder') when privacy.paillier.enabled is true");
    }
    HostPort at = HostPort.parse("privacy.paillier.key_holder", p.keyHolder, false);
    if (p.keyHolderCa == null) {
      boolean loopback;
      try {
        loopback = InetAddress.getByName(at.host()).isLoopbackAddress();
      } catch (UnknownHostException e) {
        throw new CliException("privacy.paillier.key_holder host " + at.host() + " is unknown");
      }
      if (!loopback) {
        throw new CliException("privacy.paillier.key_holder_ca must be set for key holder " + p.keyHolder
            + ": plaintext is used only on a loopback address");
      }
    }
    try {
      return Seconds.of("privacy.paillier.key_holder_timeout_seconds", p.keyHolderTimeoutSeconds);
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage());
    }
  }

  /**
   * Connects and fetches the public key.
   *
   * @throws CliException if the key holder cannot be reached or its key is too small
   */
  static KeyHolderLink open(ServerConfig.Paillier p) {
    Duration timeout = validate(p);
    ManagedChannel channel;
    try {
      channel = ClientChannels.open(p.keyHolder, p.keyHolderCa == null ? null : new ClientTls(Path.of(p.keyHolderCa), null, null), null,
          p.keyHolderCa == null);
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      throw new CliException("privacy.paillier.key_holder_ca: " + e.getMessage());
    }
    try {
      RemoteKeyHolder holder = new RemoteKeyHolder(channel, timeout);
      if (holder.publicKey().bits() < p.keyBits) {
        throw new CliException("the key holder at " + p.keyHolder + " has a " + holder.publicKey().bits()
            + "-bit key, below privacy.paillier.key_bits " + p.keyBits);
      }
      return new KeyHolderLink(channel, holder);
    } catch (StatusRuntimeException e) {
      channel.shutdownNow();
      throw new CliException("cannot reach the key holder at privacy.paillier.key_holder " + p.keyHolder + ": " + e.getStatus().getCode()
          + ": " + e.getStatus().getDescription());
    } catch (RuntimeException e) {
      channel.shutdownNow();
      throw e instanceof CliException c ? c : new CliException("privacy.paillier.key_holder " + p.keyHolder + ": " + e.getMessage());
    }
  }

  /** {@code inner} aggregated over Paillier-encrypted updates, with this key holder. */
  Strategy wrap(Strategy inner, FederationServer server, Duration collectTimeout) {
    return new PaillierAggregation(inner, holder, server.paillierTransport(holder.publicKey()), collectTimeout, null);
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
