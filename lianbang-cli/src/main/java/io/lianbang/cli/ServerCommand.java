package io.lianbang.cli;

import io.lianbang.cli.config.ConfigException;
import io.lianbang.cli.config.ConfigLoader;
import io.lianbang.cli.config.ConfigKeys;
import io.lianbang.cli.config.ServerSpec;
import io.lianbang.cli.dashboard.DashboardServer;
import io.lianbang.cli.dashboard.LiveRun;
import io.lianbang.cli.metrics.MetricsEndpoint;
import io.lianbang.cli.metrics.PrometheusServerMetrics;
import io.lianbang.cli.run.FailureSummary;
import io.lianbang.cli.run.ModelFiles;
import io.lianbang.cli.run.RoundPrinter;
import io.lianbang.cli.run.RunEnvironment;
import io.lianbang.cli.run.RunOutputs;
import io.lianbang.cli.run.WithTaskConfig;
import io.lianbang.core.federation.CheckpointFile;
import io.lianbang.core.async.AsyncFederation;
import io.lianbang.core.async.AsyncFederationConfig;
import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.RoundListener;
import io.lianbang.core.federation.RunResult;
import io.lianbang.core.strategy.Strategy;
import io.lianbang.core.task.Config;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.engine.client.EngineClient;
import io.lianbang.engine.client.FederatedStandardization;
import io.lianbang.engine.nn.ModelSpec;
import io.lianbang.cli.run.RunRecorder;
import io.lianbang.core.federation.RoundListener;
import io.lianbang.export.ExportedModel;
import io.lianbang.engine.nn.Models;
import io.lianbang.grpc.server.ConnectionLimits;
import io.lianbang.grpc.server.EdgePolicy;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.PeerLimits;
import io.lianbang.grpc.server.ServerSettings;
import io.lianbang.grpc.tls.ServerTls;
import io.lianbang.privacy.secagg.SecureAggregation;
import io.lianbang.sim.CompressionWiring;
import io.lianbang.sim.DpWiring;
import io.lianbang.sim.StrategyFactory;
import io.lianbang.sim.spec.PrivacySpec;
import io.lianbang.sim.spec.Seconds;
import io.lianbang.sim.spec.TrainingSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/** {@code lianbang server}: runs a strategy of the library over remote clients that dial in. */
@Command(name = "server", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
    description = {
      "Run a federation server: remote clients ('lianbang client' or the Java API) dial in, train on their own "
          + "data and send back only model updates; the server aggregates them with the configured strategy "
          + "(FedAvg by default; any strategy of 'simulate'). Prints a line per round; checkpoints after every "
          + "round and resumes from the checkpoint when restarted with the same configuration (another "
          + "configuration or a complete run is refused; --new-run starts over); writes "
          + "history.csv, history.json and the final model (model.safetensors, model.onnx) to 'output' when the run ends. With privacy.secagg.enabled the "
          + "server learns only the sum of the updates (SecAgg+; clients join with --secagg); with privacy.paillier.enabled "
          + "clients encrypt their updates for a key holder ('lianbang keyholder', key_holder.address) and join with "
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

  /** Where the live dashboard listens: it has no token, so loopback only. */
  private static final String DASHBOARD_ADDRESS = "127.0.0.1";

  /** The flags, each the assignment of one key of {@link ServerSpec}. */
  static final ConfigFlags FLAGS = new ConfigFlags(List.of(
      ConfigFlags.flag("--listen", "listen", String.class, "HOST:PORT", "Where to listen."),
      ConfigFlags.toggle("--insecure", "insecure", "Allow plaintext on a non-loopback address (only on a network you trust)."),
      ConfigFlags.flag("--rounds", "rounds", Integer.class, "N", "Number of rounds."),
      ConfigFlags.flag("--seed", "seed", Long.class, "N", "Run seed."),
      ConfigFlags.flag("--metrics", "metrics.port", Integer.class, "PORT",
          "Serve /metrics (Prometheus), /healthz and /readyz over HTTP on this port (0 picks a free one)."),
      ConfigFlags.flag("--store", "store.url", String.class, "URL", "JDBC URL of the run store the run is recorded in."),
      ConfigFlags.flag("--dashboard", "dashboard.port", Integer.class, "PORT",
          "Serve the live dashboard of this run on 127.0.0.1:PORT while it goes (0 picks a free one).")),
      ConfigKeys::server, "strategy.quorum=0.8");

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "The server's YAML configuration.")
  Path config;

  @Option(names = "--new-run",
      description = "Start a new run: move the checkpoint of a previous run aside (to FILE.1, FILE.2, ...) instead of resuming it.")
  boolean newRun;

  @Override
  public Integer call() throws Exception {
    ParseResult parsed = spec.commandLine().getParseResult();
    ServerSpec c;
    try {
      c = ConfigLoader.loadServer(config, FLAGS.assignments(parsed));
    } catch (ConfigException e) {
      throw new CliException(e.getMessage());
    }
    Setup s = setup(c);
    PrintWriter out = spec.commandLine().getOut();
    prepareFiles(s, out);
    RunRecorder recorder = RunRecorder.start(c.store(), RunRecorder.describe(c.name(), "server", c.rounds(),
        ConfigLoader.toYaml(recordedConfig(c)), s.threads, s.output), spec.commandLine().getErr());
    try {
      return serve(c, s, out, recorder);
    } catch (Exception | Error e) {
      if (recorder != null) recorder.failed(e);
      throw e;
    } finally {
      if (recorder != null) recorder.close();
    }
  }

  /** Starts the server and runs the federation, recording it with {@code recorder} (or null). */
  private int serve(ServerSpec c, Setup s, PrintWriter out, RunRecorder recorder) throws Exception {
    PrometheusServerMetrics metrics = c.metrics().port() == null ? null : new PrometheusServerMetrics();
    if (metrics != null) s.server.metrics(metrics);
    FederationServer started;
    try {
      started = s.server.start();
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      if (metrics != null) metrics.close();
      throw new CliException(e.getMessage());
    }
    LiveRun live = c.dashboard().port() == null ? null : new LiveRun(c.name(), "server", c.rounds(), started::clientSnapshot);
    try (FederationServer server = started; PrometheusServerMetrics meters = metrics;
        MetricsEndpoint endpoint = meters == null ? null : serveMetrics(c.metrics(), meters, server);
        DashboardServer dashboard = live == null ? null : serveDashboard(c.dashboard().port(), live)) {
      server.expectLayout(s.initial);
      int waitFor = c.async().enabled() ? c.async().concurrency() : s.strategy.minAvailableClients();
      out.println("listening on " + c.listen() + " (port " + server.port() + "), waiting for " + waitFor + " clients");
      if (endpoint != null) {
        String host = c.metrics().address().contains(":") && !c.metrics().address().startsWith("[")
            ? "[" + c.metrics().address() + "]" : c.metrics().address();
        out.println("metrics on http://" + host + ":" + endpoint.port() + "/metrics (and /healthz, /readyz)");
      }
      if (dashboard != null) out.println("dashboard  " + dashboard.url(DASHBOARD_ADDRESS) + " (while the run goes)");
      out.flush();
      ServerScaling scaling = ServerScaling.prepare(s, server, out);
      Strategy scaled = scaling.decorate(s.strategy);
      PrivacySpec.SecAgg secagg = s.secagg();
      Strategy strategy = secagg == null ? scaled
          : new SecureAggregation(scaled, secagg.params(DpWiring.secAggMaxWeight(s.privacy),
              s.modulusBits), server.secAggTransport(),
              secagg.stageTimeout(), null);
      long start = System.nanoTime();
      RunResult result;
      try (KeyHolderLink keyHolder = s.privacy.paillier().enabled() ? KeyHolderLink.open(c.keyHolder(), s.privacy.paillier()) : null) {
        if (keyHolder != null) strategy = keyHolder.wrap(strategy, server, s.federation.roundTimeout());
        List<RoundListener> listeners = new ArrayList<>(List.of(new RoundPrinter(out, null, waitFor)));
        if (meters != null) listeners.add(meters);
        if (recorder != null) listeners.add(recorder);
        if (live != null) listeners.add(live);
        try {
          result = c.async().enabled()
              ? new AsyncFederation(server.clients(), asyncConfig(c, s, scaling), null, scaled, listeners, s.checkpoint, s.run)
                  .run(s.initial)
              : new Federation(strategy, server.clients(), s.federation, listeners, s.checkpoint, s.run).run(s.initial);
        } catch (Exception | Error e) {
          if (live != null) live.ended(false);
          throw e;
        }
      }
      if (result.history().rounds().isEmpty()) {
        if (live != null) live.ended(false);
        throw new CliException("no server update was applied before the run's deadline (rounds x strategy.round_timeout_seconds)");
      }
      if (live != null) live.ended(true);
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
        Map<String, String> run = new TreeMap<>(Map.of("name", c.name(), "seed", String.valueOf(c.seed()),
            "round", String.valueOf(result.history().last().round()), "normalize", s.normalize().text()));
        try {
          ModelFiles.write(s.output, new ExportedModel(ModelSpec.parse(c.model()), result.parameters(), scaling.scaler(), run));
        } catch (IOException e) {
          throw new CliException("cannot write the model to " + s.output + ": " + e.getMessage());
        }
        out.println("model in " + s.output + "/ (" + ModelFiles.SAFETENSORS + ", " + ModelFiles.ONNX + ")");
      }
      if (recorder != null) {
        List<Path> files = new ArrayList<>();
        if (s.output != null) {
          for (String name : List.of(RunOutputs.CSV, RunOutputs.JSON, io.lianbang.cli.run.ScalerFile.NAME, ModelFiles.SAFETENSORS, ModelFiles.ONNX)) {
            if (Files.isRegularFile(s.output.resolve(name))) files.add(s.output.resolve(name));
          }
        }
        if (s.checkpoint != null) files.add(s.checkpoint.path());
        recorder.finished(RunRecorder.dpEpsilon(result.history()), files);
        out.println("store: run " + recorder.id() + " in " + c.store().url());
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
   * FedBuff's settings for {@code async.enabled}: the {@code async} keys; {@code rounds} server
   * updates; each task has {@code strategy.round_timeout_seconds} and carries the training settings
   * and the scaling; the run's deadline is {@code rounds} times that; it waits
   * {@code wait_for_clients_seconds} for {@code async.concurrency} clients; example claims are
   * bounded by {@code limits.max_examples}; federated evaluation (by the strategy's
   * {@code evaluate_clients_per_round}) every {@code evaluate_every} server updates.
   */
  private static AsyncFederationConfig asyncConfig(ServerSpec c, Setup s, ServerScaling scaling) {
    Config fit = s.fit();
    for (Map.Entry<String, Object> e : scaling.taskConfig().asMap().entrySet()) fit = fit.with(e.getKey(), e.getValue());
    return AsyncFederationConfig.builder().fedBuff(c.async().fedBuff()).concurrency(c.async().concurrency()).serverUpdates(c.rounds())
        .seed(c.seed()).fitConfig(fit).taskTimeout(s.federation.roundTimeout())
        .runTimeout(s.federation.roundTimeout().multipliedBy(c.rounds())).waitForClients(s.federation.waitForClients())
        .maxExamples(c.limits().maxExamples()).evaluateEvery(c.evaluateEvery()).build();
  }

  /**
   * Serves {@code metrics} of {@code server} as the {@code metrics} section says; ready while the
   * server runs.
   */
  private static MetricsEndpoint serveMetrics(ServerSpec.Metrics spec, PrometheusServerMetrics metrics, FederationServer server) {
    metrics.bind(server);
    try {
      return MetricsEndpoint.start(spec.address(), spec.port(), metrics::scrape, server::running);
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage());
    }
  }

  /** Serves the live dashboard of {@code live} on {@value #DASHBOARD_ADDRESS}:{@code port}. */
  private static DashboardServer serveDashboard(int port, LiveRun live) {
    try {
      return DashboardServer.start(DASHBOARD_ADDRESS, port, null, live);
    } catch (IllegalArgumentException e) {
      throw new CliException("dashboard.port " + port + ": " + e.getMessage());
    }
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
   * {@code run} describes the run for the checkpoint ({@link ServerSpec#runDescription});
   * {@code normalize} is how clients scale their {@code features} input features;
   * {@code modulusBits} is the width of secure aggregation's field.
   */
  record Setup(FederationServer.Builder server, Strategy strategy, FederationConfig federation,
      Parameters initial, CheckpointFile checkpoint, Path output, int threads, SortedMap<String, String> run,
      FederatedStandardization.Mode normalize, int features, PrivacySpec privacy, int modulusBits, Config fit) {

    /** The secure-aggregation settings, or null unless secure aggregation is enabled. */
    PrivacySpec.SecAgg secagg() {
      return privacy.secagg().enabled() ? privacy.secagg() : null;
    }
  }

  /** Builds everything the run needs from a validated configuration; errors name the key and value. */
  static Setup setup(ServerSpec c) {
    try {
      Parameters initial = Models.create(c.model(), c.seed()).parameters();
      int features = ModelSpec.parse(c.model()).inputFeatures();
      FederatedStandardization.Mode normalize = FederatedStandardization.Mode.parse("normalize", c.normalize());
      HostPort listen = HostPort.parse("listen", c.listen(), true);
      FederationConfig federation = c.federation();
      TrainingSpec training = c.training();
      Config fit = EngineClient.fitConfig(training.localEpochs(), training.batchSize(), training.optimizer(), training.learningRate(),
          training.momentum(), training.weightDecay());
      int threads = Runtime.getRuntime().availableProcessors();
      Strategy strategy = StrategyFactory.create(c.strategy(), training, fit, null, threads);
      PrivacySpec privacy = c.privacy();
      StrategyFactory.requireCompatible(strategy, privacy);
      if (privacy.paillier().enabled()) KeyHolderLink.validate(c.keyHolder());
      strategy = DpWiring.strategy(strategy, privacy.dp(), c.seed());
      Config dpTasks = DpWiring.taskConfig(privacy.dp(), c.seed());
      if (!dpTasks.asMap().isEmpty()) strategy = new WithTaskConfig(strategy, dpTasks);
      ServerSpec.Limits l = c.limits();
      ServerSettings settings = ServerSettings.defaults(c.name() + "-" + c.seed())
          .withHeartbeatInterval(Seconds.of("heartbeat_seconds", c.heartbeatSeconds()))
          .withAllowedClients(Set.copyOf(c.clients()))
          .withTokens(invert(c.tokens()))
          .withAllowAnonymous(c.allowAnonymous())
          .withLimits(limited("limits.", () -> new PeerLimits(l.maxMetrics(), l.maxMetricNameLength(), l.maxErrorLength(),
              l.maxConcurrentUploads(), l.maxDownloadsPerSession())))
          .withEdges(new EdgePolicy(Set.copyOf(c.edges().clients()), c.edges().maxTerms()));
      ConnectionLimits connections = limited("limits.", () -> ConnectionLimits.defaults()
          .withMaxConnections(l.maxConnections(), l.maxConnectionsPerAddress())
          .withHandshakeTimeout(Seconds.of("limits.handshake_timeout_seconds", l.handshakeTimeoutSeconds()))
          .withIdleTimeout(Seconds.of("limits.idle_timeout_seconds", l.idleTimeoutSeconds())));
      FederationServer.Builder b = FederationServer.builder().bind(listen.host(), listen.port()).settings(settings)
          .connectionLimits(connections);
      if (c.tls() != null) b.tls(new ServerTls(c.tls().certificate(), c.tls().privateKey(), c.tls().clientCa()));
      if (c.insecure()) b.insecure();
      CheckpointFile checkpoint = c.checkpoint() == null ? null : new CheckpointFile(c.checkpoint());
      return new Setup(b, strategy, federation, initial, checkpoint, c.output(), threads, c.runDescription(), normalize, features,
          privacy, CompressionWiring.secAggModulusBits(c.compression(), privacy, c.strategy().clientsPerRound()), fit);
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage());
    }
  }

  /** The YAML maps client to token; the server looks clients up by token. */
  private static Map<String, String> invert(Map<String, String> clientTokens) {
    Map<String, String> byToken = new HashMap<>();
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

  /** The configuration the store keeps of a server run: without secrets, the output directory and the store. */
  private static com.fasterxml.jackson.databind.node.ObjectNode recordedConfig(ServerSpec c) {
    com.fasterxml.jackson.databind.node.ObjectNode tree = ConfigLoader.jsonMapper().valueToTree(c);
    tree.remove("output");
    tree.remove("store");
    return tree;
  }
}
