package io.lianbang.cli.run;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A one-line progress bar over rounds, redrawn in place with carriage returns, showing the clients
 * finished in the current round, the elapsed time and an estimate of the time left. A daemon
 * ticker redraws it every second so the clock moves during long rounds.
 *
 * <p>All methods are synchronized: the round loop and the ticker both draw. Call {@link #clear}
 * before printing other text to the same terminal and {@link #redraw} after.
 */
public final class ProgressBar implements AutoCloseable {
  private static final int BAR = 30;
  private static final long MIN_REDRAW_NANOS = 50_000_000L;

  private final PrintWriter err;
  private final long start = System.nanoTime();
  private final ScheduledExecutorService ticker;
  private final Thread onExit;
  private int rounds;
  private int round;
  private int sampled;
  private int finished;
  private int failed;
  private int completedRounds;
  private double completedSeconds;
  private int drawnWidth;
  private long lastDraw;
  private volatile boolean visible;
  private boolean closed;

  /** A bar drawn on {@code err}, which should be a terminal. */
  public ProgressBar(PrintWriter err, int rounds) {
    this.err = err;
    this.rounds = rounds;
    this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "lianbang-progress");
      t.setDaemon(true);
      return t;
    });
    ticker.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    // On Ctrl-C, leave the terminal on a fresh line rather than in the middle of the bar.
    onExit = new Thread(() -> {
      if (visible) {
        err.println();
        err.flush();
      }
    }, "lianbang-progress-exit");
    Runtime.getRuntime().addShutdownHook(onExit);
  }

  /** Round {@code round} started with {@code sampled} clients. */
  public synchronized void roundStarted(int round, int rounds, int sampled) {
    this.round = round;
    this.rounds = rounds;
    this.sampled = sampled;
    this.finished = 0;
    this.failed = 0;
    draw(true);
  }

  /** One client of the current round finished. */
  public synchronized void clientFinished(boolean succeeded) {
    finished++;
    if (!succeeded) failed++;
    draw(finished == sampled);
  }

  /** Round {@code round} completed after {@code seconds}. */
  public synchronized void roundCompleted(int round, double seconds) {
    if (round > 0) {
      completedRounds = Math.max(completedRounds, round);
      completedSeconds += seconds;
    }
    this.round = round;
    this.finished = sampled;
  }

  /** Erases the bar so other text can be printed on its line. */
  public synchronized void clear() {
    if (!visible) return;
    err.print('\r' + " ".repeat(drawnWidth) + '\r');
    err.flush();
    visible = false;
  }

  /** Draws the bar again after {@link #clear}. */
  public synchronized void redraw() {
    draw(true);
  }

  /** Stops the ticker and erases the bar. */
  @Override
  public synchronized void close() {
    closed = true;
    ticker.shutdownNow();
    clear();
    try {
      Runtime.getRuntime().removeShutdownHook(onExit);
    } catch (IllegalStateException e) {
      // already shutting down
    }
  }

  private synchronized void tick() {
    if (visible) draw(true);
  }

  /** The text of the bar for the current state. */
  synchronized String text() {
    double partial = round > completedRounds && sampled > 0 ? finished / (double) sampled : 0;
    double done = rounds == 0 ? 0 : Math.min(1, Math.max(0, (completedRounds + partial) / rounds));
    int full = (int) Math.floor(done * BAR);
    StringBuilder bar = new StringBuilder("[");
    for (int i = 0; i < BAR; i++) bar.append(i < full ? '=' : i == full ? '>' : ' ');
    bar.append(']');
    double elapsed = (System.nanoTime() - start) / 1e9;
    String eta = completedRounds == 0 ? "--:--"
        : clock(completedSeconds / completedRounds * (rounds - completedRounds - partial));
    int w = String.valueOf(rounds).length();
    return String.format(Locale.ROOT, "round %" + w + "d/%d %s %3d%%  clients %d/%d%s  elapsed %s  eta %s",
        Math.max(round, 0), rounds, bar, (int) Math.floor(done * 100), finished, sampled,
        failed > 0 ? " (" + failed + " failed)" : "", clock(elapsed), eta);
  }

  private void draw(boolean force) {
    if (closed) return;
    long now = System.nanoTime();
    if (!force && now - lastDraw < MIN_REDRAW_NANOS) return;
    lastDraw = now;
    String s = text();
    int pad = Math.max(0, drawnWidth - s.length());
    err.print('\r' + s + " ".repeat(pad));
    err.flush();
    drawnWidth = s.length();
    visible = true;
  }

  static String clock(double seconds) {
    if (!Double.isFinite(seconds) || seconds < 0) seconds = 0;
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
