package io.lianbang.grpc.server;

import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listening socket that closes, as soon as it accepts them, connections beyond
 * {@link ConnectionLimits#maxConnections()} or beyond {@link ConnectionLimits#maxConnectionsPerAddress()}
 * from one remote address. Refusals are logged at most once every 10 seconds.
 */
final class LimitedServerChannel extends NioServerSocketChannel {
  private static final Logger log = LoggerFactory.getLogger(LimitedServerChannel.class);
  private static final long LOG_EVERY_NANOS = 10_000_000_000L;

  private final ConnectionLimits limits;
  private final Map<InetAddress, Integer> perAddress = new HashMap<>();
  private int open;
  private long refused;
  private long lastLog = System.nanoTime() - LOG_EVERY_NANOS;

  LimitedServerChannel(ConnectionLimits limits) {
    this.limits = limits;
  }

  @Override
  protected int doReadMessages(List<Object> buf) throws Exception {
    int before = buf.size();
    int accepted = super.doReadMessages(buf);
    for (int i = buf.size() - 1; i >= before; i--) {
      Channel child = (Channel) buf.get(i);
      InetAddress address = ((InetSocketAddress) child.remoteAddress()).getAddress();
      String why = admit(address);
      if (why != null) {
        buf.remove(i);
        accepted--;
        child.unsafe().closeForcibly();
        refusedOne(address, why);
      } else {
        child.closeFuture().addListener(f -> release(address));
      }
    }
    return accepted;
  }

  /** Counts the connection in, or says why it is refused. */
  private synchronized String admit(InetAddress address) {
    if (open >= limits.maxConnections()) return open + " connections are open (limit " + limits.maxConnections() + ")";
    int n = perAddress.getOrDefault(address, 0);
    if (n >= limits.maxConnectionsPerAddress()) {
      return n + " connections are open from this address (limit " + limits.maxConnectionsPerAddress() + ")";
    }
    perAddress.put(address, n + 1);
    open++;
    return null;
  }

  private synchronized void release(InetAddress address) {
    open--;
    perAddress.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
  }

  private synchronized void refusedOne(InetAddress address, String why) {
    refused++;
    long now = System.nanoTime();
    if (now - lastLog >= LOG_EVERY_NANOS) {
      log.warn("refused a connection from {}: {}; {} refused so far", address.getHostAddress(), why, refused);
      lastLog = now;
    }
  }
}
