package io.lianbang.cli;

import io.lianbang.cli.config.ConfigException;
import io.lianbang.cli.config.ConfigLoader;
import io.lianbang.cli.config.ServerConfig;
import io.lianbang.cli.run.FailureSummary;
import io.lianbang.cli.run.RoundPrinter;
import io.lianbang.cli.run.RunEnvironment;
import io.lianbang.cli.run.RunOutputs;
import io.lianbang.cli.run.WithTaskConfig;
import io.lianbang.core.federation.CheckpointFile;
import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.RunResult;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.strategy.Strategy;
import io.lianbang.core.strategy.WeightedMean;
import io.lianbang.core.strategy.registry.StrategyContext;
import io.lianbang.core.strategy.registry.StrategyRegistry;
import io.lianbang.core.task.Config;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.engine.client.EngineClient;
import io.lianbang.engine.client.FederatedStandardization;
import io.lianbang.engine.nn.ModelSpec;
import io.lianbang.engine.nn.Models;
import io.lianbang.grpc.server.ConnectionLimits;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.PeerLimits;
import io.lianbang.grpc.server.ServerSettings;
import io.lianbang.grpc.tls.ServerTls;
import io.lianbang.privacy.secagg.SecureAggregation;
import io.lianbang.sim.DpWiring;
import io.lianbang.sim.spec.PrivacySpec;
import io.lianbang.sim.spec.Seconds;
import io.lianbang.sim.spec.TrainingSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lianbang server}: runs a strategy of the library over remote clients that dial in. */
@Command(name = "server", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
    description = {
      "Run a federation server: remote clients ('lianbang client' or the Java API) dial in, train on their own "
          + "data and send back only model updates; the server aggregates them with the configured strategy "
          + "(FedAvg by default; any strategy of 'simulate'). Prints a line per round; checkpoints after every "
          + "round and resumes from the checkpoint when restarted with the same configuration (another "
          + "configuration or a complete run is refused; --new-run starts over); writes "
          + "history.csv and history.json to 'output' when the run ends. With privacy.secagg.enabled the "
          + "server learns only the sum of the updates (SecAgg+; clients join with --secagg); with privacy.paillier.enabled "
          + "clients encrypt their updates for a key holder ('lianbang keyholder', privacy.paillier.key_holder) and join with "
          + "--paillier. privacy.dp runs "
          + "differential privacy as in 'simulate' (DP-FedAvg with server- or client-side clipping, or local DP; "
          + "clients learn the mode from their tasks) and prints epsilon per round.",
      "",
      "TLS is required unless the server listens on loopback or the configuration (or --insecure) says "
          + "insecure: true. See docs/protocol.md for the protocol.",
      ""
    })
final class ServerCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The server's YAML configuration.")
  Path config;

  @Option(names = "--insecure", description = "Allow plaintext on a non-loopback address (only on a network you trust).")
  boolean insecure;

  @Option(names = "--new-run",
      description = "Start a new run: move the checkpoint of a previous run aside (to FILE.1, FILE.2, ...) instead of resuming it.")
  boolean newRun;

  @Override
  public Integer call() throws Exception {
    ServerConfig c;
    try {
      c = ConfigLoader.loadServer(config);
    } catch (ConfigException e) {
      throw new CliException(e.getMessage());
    }
    Setup s = setup(c, insecure || c.insecure);
    PrintWriter out = spec.commandLine().getOut();
    prepareFiles(s, out);
    FederationServer started;
    try {
      started = s.server.start();
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      throw new CliException(e.getMessage());
    }
    try (FederationServer server = started) {
      server.expectLayout(s.initial);
      out.println("listening on " + c.listen + " (port " + server.port() + "), waiting for " + c.minClients + " clients");
      out.flush();
      ServerScaling scaling = ServerScaling.prepare(s, server, out);
      Strategy scaled = scaling.decorate(s.strategy);
      PrivacySpec.SecAgg secagg = s.secagg();
      Strategy strategy = secagg == null ? scaled
          : new SecureAggregation(scaled, secagg.params(DpWiring.secAggMaxWeight(s.privacy)), server.secAggTransport(),
              secagg.stageTimeout(), null);
      long start = System.nanoTime();
      RunResult result;
      try (KeyHolderLink keyHolder = s.privacy.paillier().enabled() ? KeyHolderLink.open(c.privacy.paillier) : null) {
        if (keyHolder != null) strategy = keyHolder.wrap(strategy, server, seconds("round_timeout_seconds", c.roundTimeoutSeconds));
        result = new Federation(strategy, server.clients(), s.federation,
            List.of(new RoundPrinter(out, null, c.minClients)), s.checkpoint, s.run).run(s.initial);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      server.finish("the run is complete", Duration.ofSeconds(10));
      out.println("done: " + result.history().last().round() + " rounds"
          + (s.checkpoint == null ? "" : "; final model in " + s.checkpoint.path()));
      FailureSummary.lines(result.history()).forEach(out::println);
      if (s.output != null) {
        String scaler;
        try {
          RunOutputs.writeServerResults(s.output, c, RunEnvironment.describe(RunEnvironment.kernels(), s.threads), result.history(), seconds);
          scaler = scaling.writeTo(s.output);
        } catch (IOException e) {
          throw new CliException("cannot write the history to " + s.output + ": " + e.getMessage());
        }
        out.println("history in " + s.output + "/ (" + RunOutputs.CSV + ", " + RunOutputs.JSON + (scaler == null ? "" : ", " + scaler) + ")");
      }
      out.flush();
      if (FailureSummary.neverUpdated(result.history())) {
        Main.error(spec.commandLine().getErr(), "no round updated the model: every round missed its quorum or its aggregation"
            + " failed (the failures are listed above and in the history)");
        return Main.FAILURE;
      }
    }
    return 0;
  }

  /**
   * Before the server starts: fails if the output directory or the checkpoint's directory cannot
   * be written, or the checkpoint is of another run or of a complete one; with {@code --new-run},
   * moves an existing checkpoint aside first.
   */
  private void prepareFiles(Setup s, PrintWriter out) {
    if (s.output != null) RunOutputs.requireWritableDirectory(s.output, "output");
    if (s.checkpoint == null) {
      if (newRun) throw new CliException("--new-run needs a checkpoint in the configuration");
      return;
    }
    Path file = s.checkpoint.path();
    RunOutputs.requireWritableDirectory(file.getParent(), "checkpoint");
    if (newRun && Files.exists(file)) {
      Path aside = file;
      for (int i = 1; Files.exists(aside); i++) aside = file.resolveSibling(file.getFileName() + "." + i);
      try {
        Files.move(file, aside);
      } catch (IOException e) {
        throw new CliException("--new-run cannot move checkpoint " + file + " aside to " + aside + ": " + e.getMessage());
      }
      out.println("moved the checkpoint of the previous run to " + aside);
    }
    try {
      s.checkpoint.readResumable(s.federation.seed(), s.federation.rounds(), s.run);
    } catch (IllegalStateException | java.io.UncheckedIOException e) {
      throw new CliException(e.getMessage() + " (--new-run moves it aside)");
    }
  }

  /**
   * What a run needs; {@code strategy} includes differential privacy as {@code privacy} says;
   * {@code run} describes the run for the checkpoint ({@link ServerConfig#runDescription});
   * {@code normalize} is how clients scale their {@code features} input features.
   */
  record Setup(FederationServer.Builder server, Strategy strategy, FederationConfig federation,
      Parameters initial, CheckpointFile checkpoint, Path output, int threads, SortedMap<String, String> run,
      FederatedStandardization.Mode normalize, int features, PrivacySpec privacy) {

    /** The secure-aggregation settings, or null unless secure aggregation is enabled. */
    PrivacySpec.SecAgg secagg() {
      return privacy.secagg().enabled() ? privacy.secagg() : null;
    }
  }

  /** Validates the configuration and builds everything the run needs; errors name the key and value. */
  static Setup setup(ServerConfig c, boolean insecure) {
    try {
      if (c.model == null) throw new CliException("model must be set, e.g. model: logistic:30");
      Parameters initial;
      int features;
      try {
        initial = Models.create(c.model, c.seed).parameters();
        features = ModelSpec.parse(c.model).inputFeatures();
      } catch (IllegalArgumentException e) {
        throw new CliException("model: " + e.getMessage());
      }
      FederatedStandardization.Mode normalize = FederatedStandardization.Mode.parse("normalize", c.normalize);
      HostPort listen = HostPort.parse("listen", c.listen, true);
      FederationConfig federation = limited("limits.", () -> new FederationConfig(c.rounds, c.seed,
          seconds("round_timeout_seconds", c.roundTimeoutSeconds), seconds("round_timeout_seconds", c.roundTimeoutSeconds),
          seconds("wait_for_clients_seconds", c.waitForClientsSeconds), c.quorum, 1, c.limits.maxExamples));
      if (c.minClients < 1) throw new CliException("min_clients must be >= 1, got " + c.minClients);
      if (!(c.fractionEvaluate >= 0 && c.fractionEvaluate <= 1)) {
        throw new CliException("fraction_evaluate must be in [0, 1], got " + c.fractionEvaluate);
      }
      TrainingSpec training = c.training;
      Config fit = EngineClient.fitConfig(training.localEpochs(), training.batchSize(), training.optimizer(), training.learningRate(),
          training.momentum(), training.weightDecay());
      int threads = Runtime.getRuntime().availableProcessors();
      Strategy strategy = StrategyRegistry.create(c.strategy.name, c.strategy.params == null ? Map.of() : c.strategy.params,
          new StrategyContext(() -> FedAvg.builder().minFitClients(c.minClients).minAvailableClients(c.minClients)
              .fractionEvaluate(c.fractionEvaluate).fitConfig(r -> fit), c.minClients, "min_clients", training.momentum(),
              training.learningRate(), threads));
      PrivacySpec privacy = c.privacy.toSpec();
      if (privacy.secagg().enabled()) WeightedMean.require(strategy, "privacy.secagg");
      if (privacy.paillier().enabled()) {
        WeightedMean.require(strategy, "privacy.paillier");
        KeyHolderLink.validate(c.privacy.paillier);
        if (normalize == FederatedStandardization.Mode.FEDERATED) {
          throw new CliException("normalize " + c.normalize + " cannot be combined with privacy.paillier.enabled true: the statistics "
              + "round is not Paillier-encrypted and a client that sends only encrypted updates refuses it; use normalize: local or none");
        }
      }
      String dpMode = privacy.dp().mode().toString();
      if ((dpMode.equals("server") || dpMode.equals("client")) && c.checkpoint != null && !c.checkpoint.isBlank()) {
        throw new CliException("privacy.dp.mode " + dpMode + " cannot be combined with checkpoint " + c.checkpoint
            + ": a resumed DP-FedAvg run would restart the privacy accountant and under-report epsilon; remove the checkpoint key");
      }
      strategy = DpWiring.strategy(strategy, privacy.dp(), c.seed);
      Config dpTasks = DpWiring.taskConfig(privacy.dp(), c.seed);
      if (!dpTasks.asMap().isEmpty()) strategy = new WithTaskConfig(strategy, dpTasks);
      if (c.allowAnonymous && (!c.tokens.isEmpty() || (c.tls != null && c.tls.clientCa != null))) {
        throw new CliException("allow_anonymous: true cannot be combined with " + (c.tokens.isEmpty() ? "tls.client_ca" : "tokens")
            + ": an anonymous client could register under an authenticated client's name and take over its session");
      }
      ServerSettings settings = ServerSettings.defaults(c.name + "-" + c.seed)
          .withHeartbeatInterval(seconds("heartbeat_seconds", c.heartbeatSeconds))
          .withAllowedClients(Set.copyOf(c.clients))
          .withTokens(invert(c.tokens))
          .withAllowAnonymous(c.allowAnonymous)
          .withLimits(limited("limits.", () -> new PeerLimits(c.limits.maxMetrics, c.limits.maxMetricNameLength, c.limits.maxErrorLength,
              c.limits.maxConcurrentUploads, c.limits.maxDownloadsPerSession)));
      if ((c.tls == null || c.tls.clientCa == null) && c.tokens.isEmpty() && !c.allowAnonymous) {
        throw new CliException("clients have no way to authenticate: set tls.client_ca (mutual TLS), tokens, "
            + "or allow_anonymous: true (test networks only)");
      }
      ConnectionLimits connections = limited("limits.", () -> ConnectionLimits.defaults()
          .withMaxConnections(c.limits.maxConnections, c.limits.maxConnectionsPerAddress)
          .withHandshakeTimeout(seconds("limits.handshake_timeout_seconds", c.limits.handshakeTimeoutSeconds))
          .withIdleTimeout(seconds("limits.idle_timeout_seconds", c.limits.idleTimeoutSeconds)));
      FederationServer.Builder b = FederationServer.builder().bind(listen.host(), listen.port()).settings(settings)
          .connectionLimits(connections);
      if (c.tls != null) {
        if (c.tls.certificate == null || c.tls.privateKey == null) {
          throw new CliException("tls needs certificate and private_key (and client_ca for mutual TLS)");
        }
        b.tls(new ServerTls(Path.of(c.tls.certificate), Path.of(c.tls.privateKey), c.tls.clientCa == null ? null : Path.of(c.tls.clientCa)));
      }
      if (insecure) b.insecure();
      CheckpointFile checkpoint = c.checkpoint == null || c.checkpoint.isBlank() ? null : new CheckpointFile(Path.of(c.checkpoint));
      Path output = c.output == null || c.output.isBlank() ? null : Path.of(c.output);
      return new Setup(b, strategy, federation, initial, checkpoint, output, threads, c.runDescription(), normalize, features,
          privacy);
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage());
    }
  }

  /** The YAML maps client to token; the server looks clients up by token. */
  private static java.util.Map<String, String> invert(java.util.Map<String, String> clientTokens) {
    java.util.Map<String, String> byToken = new java.util.HashMap<>();
    clientTokens.forEach((client, token) -> {
      if (token == null || byToken.put(token, client) != null) {
        throw new CliException("tokens." + client + " must be a token of its own, got " + (token == null ? "nothing" : "one given to another client"));
      }
    });
    return byToken;
  }

  /**
   * Builds a value whose constructor names its settings in Java style ({@code maxMetrics must be
   * ...}); an error names the YAML key instead ({@code limits.max_metrics must be ...}).
   */
  private static <T> T limited(String section, java.util.function.Supplier<T> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("^([a-z]+[A-Za-z]*) ").matcher(String.valueOf(e.getMessage()));
      if (!m.find()) throw e;
      String key = m.group(1).replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
      throw new CliException(section + key + e.getMessage().substring(m.end(1)));
    }
  }

  private static Duration seconds(String key, double s) {
    return Seconds.of(key, s);
  }
}
