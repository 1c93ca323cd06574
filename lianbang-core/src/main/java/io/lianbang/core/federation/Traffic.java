package io.lianbang.core.federation;

/**
 * Bytes moved between the server and its clients: uplink (client to server: the results) and
 * downlink (server to client: the models sent with tasks). What a byte is depends on who counted
 * it: the transport's message bytes when the {@link ClientPool} measures them
 * ({@link ClientPool#trafficMeter()}), otherwise the parameters' encoded size
 * ({@link EncodedSize}).
 *
 * @param uplinkBytes client-to-server bytes, at least 0
 * @param downlinkBytes server-to-client bytes, at least 0
 */
public record Traffic(long uplinkBytes, long downlinkBytes) {
  /** No bytes either way. */
  public static final Traffic NONE = new Traffic(0, 0);

  public Traffic {
    if (uplinkBytes < 0) throw new IllegalArgumentException("uplinkBytes must be >= 0, got " + uplinkBytes);
    if (downlinkBytes < 0) throw new IllegalArgumentException("downlinkBytes must be >= 0, got " + downlinkBytes);
  }

  /** The sum of both counts. */
  public Traffic plus(Traffic other) {
    return new Traffic(uplinkBytes + other.uplinkBytes, downlinkBytes + other.downlinkBytes);
  }
}
