package io.lianbang.cli;

import io.lianbang.cli.run.ScalerFile;
import io.lianbang.cli.run.StatisticsRound;
import io.lianbang.cli.run.WithTaskConfig;
import io.lianbang.core.strategy.Strategy;
import io.lianbang.core.task.Config;
import io.lianbang.engine.client.FederatedStandardization;
import io.lianbang.engine.client.FederatedStandardization.Mode;
import io.lianbang.engine.data.Standardizer;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.privacy.secagg.SecAggParams;
import io.lianbang.privacy.secagg.SecureAggregation;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiFunction;

/**
 * How {@code lianbang server} has its clients scale their features (the {@code normalize} key).
 * For {@code federated}: the statistics round before training, whose scaler is saved beside the
 * checkpoint, or, when the run resumes from a checkpoint, that saved scaler, so a resumed run
 * scales exactly as before. Every task then carries the scaling ({@link FederatedStandardization}).
 */
final class ServerScaling {
  private final Mode mode;
  private final Standardizer scaler;

  private ServerScaling(Mode mode, Standardizer scaler) {
    this.mode = mode;
    this.scaler = scaler;
  }

  /** The federated scaler the clients apply, or null unless {@code normalize} is {@code federated}. */
  Standardizer scaler() {
    return scaler;
  }

  /** Runs or restores what {@code s.normalize()} needs, before the first round. */
  static ServerScaling prepare(ServerCommand.Setup s, FederationServer server, PrintWriter out) throws InterruptedException {
    Mode mode = s.normalize();
    Path file = s.checkpoint() == null ? null : ScalerFile.besideCheckpoint(s.checkpoint().path());
    boolean resuming;
    try {
      resuming = s.checkpoint() != null && s.checkpoint().read().isPresent();
    } catch (UncheckedIOException e) {
      throw new CliException(e.getMessage());
    }
    try {
      if (mode != Mode.FEDERATED) {
        if (file != null && resuming && Files.exists(file)) {
          throw new CliException("normalize is " + mode.text() + ", but checkpoint " + s.checkpoint().path()
              + " was written with normalize: federated (its scaler is " + file + "): set normalize: federated to resume, "
              + "or remove the checkpoint to start over");
        }
        if (file != null && !resuming) Files.deleteIfExists(file); // a scaler of an earlier run
        return new ServerScaling(mode, null);
      }
      if (resuming) {
        if (!Files.isRegularFile(file)) {
          throw new CliException("normalize is federated, but checkpoint " + s.checkpoint().path() + " has no scaler " + file
              + " (it was written with normalize: local or none): set that to resume, or remove the checkpoint to start over");
        }
        Standardizer saved = ScalerFile.read(file);
        out.println("normalize: federated, with the scaler of the checkpointed run (" + file + ")");
        out.flush();
        return new ServerScaling(mode, saved);
      }
      out.println("normalize: federated; statistics round over the clients' training data");
      out.flush();
      BiFunction<Strategy, Double, Strategy> secure = null;
      if (s.secagg() != null) {
        var p = s.secagg();
        secure = (st, bound) -> new SecureAggregation(st, new SecAggParams(p.k(), p.threshold(), bound, 62, p.maxWeight()),
            server.secAggTransport(), p.stageTimeout(), null);
      }
      StatisticsRound.Result r;
      try {
        r = StatisticsRound.run(server.clients(), s.features(), s.strategy().minAvailableClients(), s.federation(), secure);
      } catch (IllegalStateException e) {
        throw new CliException(e.getMessage());
      }
      if (file != null) ScalerFile.write(file, r.scaler());
      out.println("statistics of " + r.clients() + " clients: every client standardises with the federation's mean and std"
          + (file == null ? "" : "; scaler in " + file));
      out.flush();
      return new ServerScaling(mode, r.scaler());
    } catch (IOException e) {
      throw new CliException("scaler " + file + ": " + e.getMessage());
    }
  }

  /** {@code strategy} with the scaling in every task's configuration. */
  Strategy decorate(Strategy strategy) {
    return new WithTaskConfig(strategy, taskConfig());
  }

  /** The entries every task carries: the mode, and the scaler if it is federated. */
  Config taskConfig() {
    return scaler == null ? Config.empty().with(FederatedStandardization.MODE, mode.text())
        : FederatedStandardization.withScaler(Config.empty(), scaler);
  }

  /** Writes the federated scaler to {@code dir}/{@value ScalerFile#NAME}; returns its name, or null if the run has none. */
  String writeTo(Path dir) throws IOException {
    if (scaler == null) return null;
    ScalerFile.write(dir.resolve(ScalerFile.NAME), scaler);
    return ScalerFile.NAME;
  }
}
