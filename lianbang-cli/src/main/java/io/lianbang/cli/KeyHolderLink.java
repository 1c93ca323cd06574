package io.lianbang.cli;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.lianbang.cli.config.ServerSpec;
import io.lianbang.sim.spec.PrivacySpec;
import io.lianbang.core.strategy.Strategy;
import io.lianbang.grpc.client.ClientChannels;
import io.lianbang.grpc.keyholder.RemoteKeyHolder;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.tls.ClientTls;
import io.lianbang.privacy.paillier.PaillierAggregation;
import io.lianbang.sim.spec.Seconds;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * The server's connection to the Paillier key holder ({@code key_holder.address}, a
 * {@code lianbang keyholder} process): TLS with {@code key_holder.ca}, plaintext only to a
 * loopback address; the key must have at least {@code privacy.paillier.key_bits} bits.
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
  static Duration validate(ServerSpec.KeyHolder k) {
    HostPort at = HostPort.parse("key_holder.address", k.address(), false);
    if (k.ca() == null) {
      boolean loopback;
      try {
        loopback = InetAddress.getByName(at.host()).isLoopbackAddress();
      } catch (UnknownHostException e) {
        throw new CliException("key_holder.address host " + at.host() + " is unknown");
      }
      if (!loopback) {
        throw new CliException("key_holder.ca must be set for key holder " + k.address() + ": plaintext is used only on a loopback address");
      }
    }
    return Seconds.of("key_holder.timeout_seconds", k.timeoutSeconds());
  }

  /**
   * Connects and fetches the public key.
   *
   * @param paillier the Paillier settings, whose {@code key_bits} is the smallest key accepted
   * @throws CliException if the key holder cannot be reached or its key is too small
   */
  static KeyHolderLink open(ServerSpec.KeyHolder k, PrivacySpec.Paillier paillier) {
    Duration timeout = validate(k);
    ManagedChannel channel;
    try {
      channel = ClientChannels.open(k.address(), k.ca() == null ? null : new ClientTls(k.ca(), null, null), null, k.ca() == null);
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      throw new CliException("key_holder.ca: " + e.getMessage());
    }
    try {
      RemoteKeyHolder holder = new RemoteKeyHolder(channel, timeout);
      if (holder.publicKey().bits() < paillier.keyBits()) {
        throw new CliException("the key holder at " + k.address() + " has a " + holder.publicKey().bits()
            + "-bit key, below privacy.paillier.key_bits " + paillier.keyBits());
      }
      return new KeyHolderLink(channel, holder);
    } catch (StatusRuntimeException e) {
      channel.shutdownNow();
      throw new CliException("cannot reach the key holder at key_holder.address " + k.address() + ": " + e.getStatus().getCode()
          + ": " + e.getStatus().getDescription());
    } catch (RuntimeException e) {
      channel.shutdownNow();
      throw e instanceof CliException c ? c : new CliException("key_holder.address " + k.address() + ": " + e.getMessage());
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
