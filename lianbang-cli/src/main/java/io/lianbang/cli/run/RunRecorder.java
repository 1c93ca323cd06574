package io.lianbang.cli.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.lianbang.cli.CliException;
import io.lianbang.cli.VersionProvider;
import io.lianbang.cli.config.ConfigLoader;
import io.lianbang.cli.config.StoreConfig;
import io.lianbang.cli.output.RoundValues;
import io.lianbang.core.federation.History;
import io.lianbang.core.federation.RoundListener;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.store.NewRun;
import io.lianbang.store.Participant;
import io.lianbang.store.RoundRow;
import io.lianbang.store.RunStatus;
import io.lianbang.store.RunStore;
import io.lianbang.store.StoreException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Records a run in the run store as it goes: its row when it starts, each round with the clients
 * that took part (and why those that failed did) in a transaction of its own as soon as the round
 * completes, and its end. A store that fails mid-run is reported once on the error stream and the
 * run goes on without it (its files are written as always).
 */
public final class RunRecorder implements RoundListener, AutoCloseable {
  private final RunStore store;
  private final long id;
  private final PrintWriter err;
  private final RoundParticipants participants = new RoundParticipants();
  private boolean broken;
  private boolean ended;

  private RunRecorder(RunStore store, long id, PrintWriter err) {
    this.store = store;
    this.id = id;
    this.err = err;
  }

  /**
   * Opens the store {@code config} names and records the start of {@code run}; null if the store
   * is turned off.
   *
   * @throws CliException naming {@code store.url}, its value and the reason if the store cannot be opened
   */
  public static RunRecorder start(StoreConfig config, NewRun run, PrintWriter err) {
    if (!config.enabled()) return null;
    RunStore store;
    try {
      store = RunStore.open(config.url());
    } catch (StoreException | IllegalArgumentException e) {
      throw new CliException("store.url: " + e.getMessage());
    }
    try {
      return new RunRecorder(store, store.start(run), err);
    } catch (StoreException e) {
      store.close();
      throw new CliException("store.url: " + e.getMessage());
    }
  }

  /**
   * What the store keeps of a run that starts now.
   *
   * @param kind {@code simulate}, {@code demo}, {@code experiment} or {@code server}
   * @param yaml the effective configuration as YAML
   * @param threads the worker threads, for the environment
   * @param outputDir where its files go, or null for none
   */
  public static NewRun describe(String name, String kind, int rounds, String yaml, int threads, Path outputDir) {
    String kernels = RunEnvironment.kernels();
    Map<String, Object> environment = RunEnvironment.describe(kernels, threads);
    String commit = VersionProvider.commit().equals("unknown") ? null : VersionProvider.commit();
    if (commit != null) environment.put("git_commit", commit);
    String json;
    try {
      json = ConfigLoader.jsonMapper().writeValueAsString(environment);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the environment as JSON", e);
    }
    return new NewRun(name, kind, rounds, yaml, VersionProvider.version(), commit, System.getProperty("java.version"), kernels,
        json, outputDir == null ? null : outputDir.toString());
  }

  /** The run's id in the store. */
  public long id() {
    return id;
  }

  @Override
  public synchronized void roundStarted(int round, int rounds, int sampled) {
    participants.start();
  }

  @Override
  public synchronized void clientFinished(int round, String clientId, boolean succeeded) {
    participants.finished(clientId, succeeded);
  }

  @Override
  public synchronized void roundCompleted(RoundRecord record, int rounds) {
    List<Participant> round = participants.complete(record);
    write(() -> store.recordRound(id, row(record), round));
  }

  /** Records that the run ended after its last round, with ε ({@code NaN} for none) and the files it wrote. */
  public synchronized void finished(double epsilon, List<Path> artifacts) {
    if (ended) return;
    ended = true;
    write(() -> store.finish(id, RunStatus.FINISHED, epsilon, artifacts.stream().map(Path::toString).toList(), null));
  }

  /** Records that the run failed with {@code error}; nothing if its end is recorded already. */
  public synchronized void failed(Throwable error) {
    if (ended) return;
    ended = true;
    String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    write(() -> store.finish(id, RunStatus.FAILED, Double.NaN, List.of(), message));
  }

  @Override
  public void close() {
    try {
      store.close();
    } catch (StoreException e) {
      warn(e);
    }
  }

  /**
   * The privacy loss ε that DP-FedAvg reports in the fit metric {@value RoundPrinter#DP_EPSILON} of
   * the last round that has it, or {@code NaN} if no round does.
   */
  public static double dpEpsilon(History history) {
    for (int i = history.rounds().size() - 1; i >= 0; i--) {
      var e = history.rounds().get(i).fitMetrics().get(RoundPrinter.DP_EPSILON);
      if (e.isPresent()) return e.get();
    }
    return Double.NaN;
  }

  /** A round as stored: the columns of {@code history.csv}. */
  public static RoundRow row(RoundRecord r) {
    return new RoundRow(r.round(), r.sampled(), r.succeeded(), r.failures().size(), r.updated(), RoundValues.trainLoss(r),
        RoundValues.testLoss(r), RoundValues.testAccuracy(r), RoundValues.fedLoss(r), RoundValues.fedAccuracy(r), r.seconds(),
        r.traffic().uplinkBytes(), r.traffic().downlinkBytes(), r.totalTraffic().uplinkBytes(), r.totalTraffic().downlinkBytes());
  }

  private synchronized void write(Runnable write) {
    if (broken) return;
    try {
      write.run();
    } catch (StoreException e) {
      broken = true;
      warn(e);
    }
  }

  private void warn(StoreException e) {
    err.println("lianbang: warning: " + e.getMessage() + "; the run goes on without the store");
    err.flush();
  }
}
