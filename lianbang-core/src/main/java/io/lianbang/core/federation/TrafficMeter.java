package io.lianbang.core.federation;

/**
 * Counts the bytes a transport moves for the tasks of the round in progress. The
 * {@link Federation} opens each round with {@link #begin} and takes its total with {@link #end};
 * the transport reports with {@link #uplink}/{@link #downlink} from any thread, naming the round
 * of the task the bytes belong to. Bytes of any other round (a late answer to a round already
 * recorded) are dropped, so a round's figure never changes after it is recorded. Thread-safe.
 */
public final class TrafficMeter {
  private int round = -1;
  private boolean open;
  private long uplink;
  private long downlink;

  /** Starts counting for {@code round}, from zero. */
  public synchronized void begin(int round) {
    this.round = round;
    this.open = true;
    this.uplink = 0;
    this.downlink = 0;
  }

  /** Adds {@code bytes} received from a client for a task of {@code round}. */
  public synchronized void uplink(int round, long bytes) {
    requireNonNegative(bytes);
    if (counting(round)) uplink += bytes;
  }

  /** Adds {@code bytes} sent to a client for a task of {@code round}. */
  public synchronized void downlink(int round, long bytes) {
    requireNonNegative(bytes);
    if (counting(round)) downlink += bytes;
  }

  /** The bytes counted for {@code round} since {@link #begin}; from now on its reports are dropped. */
  public synchronized Traffic end(int round) {
    Traffic t = counting(round) ? new Traffic(uplink, downlink) : Traffic.NONE;
    open = false;
    return t;
  }

  private boolean counting(int round) {
    return open && round == this.round;
  }

  private static void requireNonNegative(long bytes) {
    if (bytes < 0) throw new IllegalArgumentException("bytes must be >= 0, got " + bytes);
  }
}
