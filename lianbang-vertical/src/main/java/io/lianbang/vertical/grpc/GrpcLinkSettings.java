package io.lianbang.vertical.grpc;

import io.lianbang.vertical.link.LinkLimits;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link GrpcPartyLink} waits, bounds and watches its peers. Every wait of the link has one
 * of these deadlines; none is unbounded.
 *
 * @param limits what a peer may send: message size, queued messages, tag length (default
 *     {@link LinkLimits#DEFAULTS}); the receiver enforces its own limits, the sender checks them
 *     before sending
 * @param startupWindow how long a party waits for a peer it has never reached: a send retries an
 *     unreachable peer until then, and a peer still unreached after it, counted from the link's
 *     start, is lost (default 60 s), so parties may start in any order within it
 * @param sendDeadline how long one message may take from the first byte to the receiver's
 *     acknowledgement, retries of an unavailable peer included (default 120 s)
 * @param pingInterval how often a party pings each peer (default 1 s)
 * @param pingMisses how many pings in a row a peer once reached may fail before it is lost
 *     (default 5)
 * @param pingDeadline how long one ping may take (default 2 s)
 * @param closeDeadline how long {@link GrpcPartyLink#close()} waits for the server and channels
 *     to shut down before forcing them (default 5 s)
 * @param chunkBytes payload bytes per gRPC message of a delivery, 1 KiB to 1 MiB (default 1 MiB)
 */
public record GrpcLinkSettings(LinkLimits limits, Duration startupWindow, Duration sendDeadline, Duration pingInterval,
    int pingMisses, Duration pingDeadline, Duration closeDeadline, int chunkBytes) {
  /** The largest chunk: each gRPC message of a delivery carries at most this many payload bytes. */
  public static final int MAX_CHUNK_BYTES = 1 << 20;

  /** The defaults listed above. */
  public static final GrpcLinkSettings DEFAULTS = new GrpcLinkSettings(LinkLimits.DEFAULTS, Duration.ofSeconds(60),
      Duration.ofSeconds(120), Duration.ofSeconds(1), 5, Duration.ofSeconds(2), Duration.ofSeconds(5), MAX_CHUNK_BYTES);

  /** @throws IllegalArgumentException naming the setting and value if one is out of range */
  public GrpcLinkSettings {
    Objects.requireNonNull(limits, "limits");
    positive("startupWindow", startupWindow);
    positive("sendDeadline", sendDeadline);
    positive("pingInterval", pingInterval);
    positive("pingDeadline", pingDeadline);
    positive("closeDeadline", closeDeadline);
    if (pingMisses < 1 || pingMisses > 1000) throw new IllegalArgumentException("pingMisses must be in [1, 1000], got " + pingMisses);
    if (chunkBytes < 1024 || chunkBytes > MAX_CHUNK_BYTES) {
      throw new IllegalArgumentException("chunkBytes must be in [1024, " + MAX_CHUNK_BYTES + "], got " + chunkBytes);
    }
  }

  private static void positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException(name + " must be more than 0 and at most 1 day, got " + d);
    }
  }

  /**
   * How long a peer that was reached may stay silent before it is lost: {@code pingMisses} ping
   * intervals plus one ping deadline.
   */
  public Duration livenessWindow() {
    return pingInterval.multipliedBy(pingMisses).plus(pingDeadline);
  }

  /** These settings with {@code limits}. */
  public GrpcLinkSettings withLimits(LinkLimits limits) {
    return new GrpcLinkSettings(limits, startupWindow, sendDeadline, pingInterval, pingMisses, pingDeadline, closeDeadline, chunkBytes);
  }

  /** These settings with {@code startupWindow}. */
  public GrpcLinkSettings withStartupWindow(Duration startupWindow) {
    return new GrpcLinkSettings(limits, startupWindow, sendDeadline, pingInterval, pingMisses, pingDeadline, closeDeadline, chunkBytes);
  }

  /** These settings with {@code sendDeadline}. */
  public GrpcLinkSettings withSendDeadline(Duration sendDeadline) {
    return new GrpcLinkSettings(limits, startupWindow, sendDeadline, pingInterval, pingMisses, pingDeadline, closeDeadline, chunkBytes);
  }

  /** These settings with a ping every {@code pingInterval}, each within {@code pingDeadline}, a peer lost after {@code pingMisses} failures. */
  public GrpcLinkSettings withLiveness(Duration pingInterval, int pingMisses, Duration pingDeadline) {
    return new GrpcLinkSettings(limits, startupWindow, sendDeadline, pingInterval, pingMisses, pingDeadline, closeDeadline, chunkBytes);
  }

  /** These settings with {@code closeDeadline}. */
  public GrpcLinkSettings withCloseDeadline(Duration closeDeadline) {
    return new GrpcLinkSettings(limits, startupWindow, sendDeadline, pingInterval, pingMisses, pingDeadline, closeDeadline, chunkBytes);
  }

  /** These settings with {@code chunkBytes}. */
  public GrpcLinkSettings withChunkBytes(int chunkBytes) {
    return new GrpcLinkSettings(limits, startupWindow, sendDeadline, pingInterval, pingMisses, pingDeadline, closeDeadline, chunkBytes);
  }
}
