package io.lianbang.cli;

import io.grpc.ManagedChannel;
import io.lianbang.cli.config.ClientSpec;
import io.lianbang.cli.config.ConfigException;
import io.lianbang.cli.config.ConfigKeys;
import io.lianbang.cli.config.ConfigLoader;
import io.lianbang.core.client.Client;
import io.lianbang.core.text.Abbreviation;
import io.lianbang.engine.client.StandardizingClient;
import io.lianbang.engine.data.BreastCancer;
import io.lianbang.engine.data.CsvReader;
import io.lianbang.engine.data.Dataset;
import io.lianbang.engine.data.FashionMnist;
import io.lianbang.engine.data.IidPartitioner;
import io.lianbang.engine.data.Splits;
import io.lianbang.engine.data.TrainTest;
import io.lianbang.engine.nn.Init;
import io.lianbang.engine.nn.ModelSpec;
import io.lianbang.engine.nn.Models;
import io.lianbang.grpc.client.ClientChannels;
import io.lianbang.grpc.client.ClientSettings;
import io.lianbang.grpc.client.FederationClient;
import io.lianbang.grpc.tls.ClientTls;
import io.lianbang.privacy.dp.DpTaskClient;
import io.lianbang.privacy.paillier.PaillierClient;
import io.lianbang.privacy.secagg.SecAggClient;
import io.lianbang.privacy.secagg.SecAggParticipant;
import io.lianbang.sim.spec.Seconds;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/** {@code lianbang client}: serves local data to a remote server; the data never leaves this process. */
@Command(name = "client", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
    description = {
      "Join a federation: dial the server, train the engine model on local data when asked, and send back "
          + "only the updated parameters, the number of examples and metrics. Reconnects with backoff if the "
          + "server restarts; exits when the server ends the run.",
      ""
    })
final class ClientCommand implements Callable<Integer> {
  private static final Pattern BUNDLED = Pattern.compile("(breast-cancer|fashion-mnist)(?::(\\d+)/(\\d+))?");
  /** The seed of the validation split, fixed so a client holds out the same examples every run. */
  static final long VALIDATION_SEED = 42;

  /** The flags, each the assignment of one key of {@link ClientSpec}. */
  static final ConfigFlags FLAGS = new ConfigFlags(List.of(
      ConfigFlags.flag("--server", "server", String.class, "HOST:PORT", "The server to dial."),
      ConfigFlags.flag("--data", "data", String.class, "CSV", "Local training data: a CSV file with a header (see --label-column), "
          + "or the bundled 'breast-cancer', or 'breast-cancer:I/N' for part I (from 0) of an IID split into N parts; likewise "
          + "'fashion-mnist' and 'fashion-mnist:I/N', the 60,000 Fashion-MNIST training images (found as 'lianbang demo' finds them)."),
      ConfigFlags.flag("--label-column", "label_column", String.class, "NAME", "The CSV column holding the class label (default: the last)."),
      ConfigFlags.flag("--model", "model", String.class, "SPEC", "The engine model, as on the server, e.g. logistic:30."),
      ConfigFlags.flag("--name", "name", String.class, "NAME", "This client's name; its identity only on servers without certificates or tokens."),
      ConfigFlags.flag("--ca", "tls.ca", String.class, "PEM", "The CA that signed the server's certificate (enables TLS)."),
      ConfigFlags.flag("--cert", "tls.certificate", String.class, "PEM", "This client's certificate, for mutual TLS."),
      ConfigFlags.flag("--key", "tls.private_key", String.class, "PEM", "This client's private key (PKCS#8), for mutual TLS."),
      ConfigFlags.flag("--token-file", "token_file", String.class, "FILE", "A file holding this client's bearer token."),
      ConfigFlags.toggle("--insecure", "insecure", "Connect without TLS (only on a network you trust)."),
      ConfigFlags.toggle("--secagg", "secagg", "Send the update only masked, through secure aggregation (SecAgg+): train only for a "
          + "server that runs it (privacy.secagg.enabled in its configuration) and refuse any other round."),
      ConfigFlags.toggle("--paillier", "paillier", "Send the update only encrypted, through Paillier aggregation: train only for a server "
          + "that runs it (privacy.paillier.enabled in its configuration), encrypt under the key holder's public key it relays, and "
          + "refuse any other round."),
      ConfigFlags.toggle("--allow-seeded-dp-noise", "allow_seeded_dp_noise", "Accept tasks asking for local differential-privacy noise "
          + "seeded by the server (deterministic_noise: reproducible, but INSECURE: anyone with the seed can remove the noise). "
          + "Without it such tasks fail."),
      ConfigFlags.flag("--validation-fraction", "validation_fraction", Double.class, "F", "The share of the local data held out from "
          + "training for evaluation tasks (stratified by class, seeded, the same every run), in [0, 1); 0 evaluates on the training "
          + "data (default: 0.2)."),
      ConfigFlags.flag("--give-up-after", "give_up_after_seconds", Double.class, "SECONDS",
          "Stop if the server stays unreachable this long (default: 300)."),
      ConfigFlags.flag("--max-model-mb", "max_model_mb", Long.class, "MIB", "Refuse (report as failed) any task whose model is larger "
          + "than this many MiB, before allocating it (default: 1024).")),
      ConfigKeys::client, "give_up_after_seconds=600");

  @Spec
  CommandSpec spec;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "The client's YAML configuration (optional: flags can say it all).")
  Path config;

  private ClientSpec c;

  @Override
  public Integer call() throws Exception {
    ParseResult parsed = spec.commandLine().getParseResult();
    try {
      c = ConfigLoader.loadClient(config, FLAGS.assignments(parsed));
      HostPort.parse("server", c.server(), false);
    } catch (ConfigException | CliException e) {
      throw new CliException(e.getMessage());
    }
    ModelSpec modelSpec = ModelSpec.parse(c.model());
    double validationFraction = c.validationFraction();
    String name = c.name();
    Dataset local = load();
    TrainTest split;
    try {
      split = validationFraction == 0 ? new TrainTest(local, local)
          : local.isClassification() ? Splits.stratified(local, validationFraction, VALIDATION_SEED)
          : Splits.trainTest(local, validationFraction, VALIDATION_SEED);
    } catch (IllegalArgumentException e) {
      throw new CliException("validation_fraction " + validationFraction + ": " + e.getMessage());
    }
    String token = null;
    if (c.tokenFile() != null) {
      try {
        token = Files.readString(c.tokenFile()).strip();
      } catch (IOException e) {
        throw new CliException("cannot read token_file " + c.tokenFile() + ": " + e.getMessage());
      }
    }
    ManagedChannel channel;
    try {
      var tls = c.tls();
      channel = ClientChannels.open(c.server(), tls == null ? null : new ClientTls(tls.ca(), tls.certificate(), tls.privateKey()), token,
          c.insecure());
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      throw new CliException(e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(name + ": " + local.size() + " local examples, " + (validationFraction == 0 ? "all for training and evaluation"
        : split.train().size() + " for training and " + split.test().size() + " held out for evaluation") + "; connecting to "
        + c.server());
    out.flush();
    try {
      StandardizingClient engine = new StandardizingClient(modelSpec, split.train(), validationFraction == 0 ? null : split.test(), 1,
          how -> {
            out.println(name + ": " + how);
            out.flush();
          });
      Chain chain = chain(engine, name, c.allowSeededDpNoise(), c.secagg(), c.paillier());
      DpTaskClient dp = chain.dp();
      FederationClient.Summary s = new FederationClient(channel, chain.outer(),
          ClientSettings.defaults(name).withGiveUpAfter(Seconds.of("give_up_after_seconds", c.giveUpAfterSeconds()))
              .withModelLimits(c.maxModelMb() << 20, ClientSettings.DEFAULT_MAX_MODEL_TENSORS)
              .withModelLayout(Models.create(modelSpec, Init.PYTORCH_DEFAULT, 0).parameters())).run();
      int statistics = engine.statisticsTasks();
      out.println(name + ": done after " + (s.fitTasks() - statistics) + " training and " + s.evaluateTasks() + " evaluation tasks"
          + (c.secagg() ? ", " + s.secaggStages() + " secure-aggregation stages" : "")
          + (statistics > 0 ? ", " + statistics + " statistics task" + (statistics == 1 ? "" : "s") : "") + " (" + s.finishReason() + ")");
      dp.localSpent().ifPresent(e -> out.println(name + ": local differential privacy spent epsilon "
          + String.format(java.util.Locale.ROOT, "%.4f", e.epsilon()) + " at delta " + e.delta()));
      out.flush();
    } finally {
      channel.shutdownNow();
    }
    return 0;
  }

  /**
   * The clients that answer the server's tasks: {@code outer} answers them, {@code dp} is the
   * differential-privacy layer inside it (for the ε it spent).
   */
  record Chain(Client outer, DpTaskClient dp) {}

  /**
   * The chain of clients {@code lianbang client} answers tasks with, in the order protocol.md
   * states: secure ({@code secagg}) or Paillier ({@code paillier}) aggregation, if chosen, around
   * differential privacy as each task asks around feature scaling around training ({@code engine}).
   */
  static Chain chain(StandardizingClient engine, String name, boolean allowSeededDpNoise, boolean secagg, boolean paillier) {
    DpTaskClient dp = new DpTaskClient(engine, name, allowSeededDpNoise);
    Client outer = secagg ? new SecAggClient(dp, new SecAggParticipant()) : paillier ? new PaillierClient(dp, new SecureRandom()) : dp;
    return new Chain(outer, dp);
  }

  private Dataset load() {
    String data = c.data();
    Matcher m = BUNDLED.matcher(data);
    Dataset raw;
    if (m.matches()) {
      if (m.group(1).equals("breast-cancer")) {
        raw = BreastCancer.load();
      } else {
        try {
          raw = FashionMnist.loadTrain(null);
        } catch (IOException e) {
          throw new CliException("data " + data + ": " + e.getMessage());
        }
      }
      if (m.group(2) != null) {
        int parts = boundedInt(m.group(3), raw.size());
        if (parts < 1 || parts > raw.size()) {
          throw new CliException("data " + Abbreviation.abbreviate(data) + ": the number of parts must be in [1, " + raw.size() + "], got "
              + Abbreviation.abbreviate(m.group(3)));
        }
        int part = boundedInt(m.group(2), parts);
        if (part >= parts) throw new CliException("data " + Abbreviation.abbreviate(data) + ": part must be in [0, " + parts + "), got " + Abbreviation.abbreviate(m.group(2)));
        raw = new IidPartitioner(parts).partition(raw, 42).subset(raw, part);
      }
    } else {
      Path file = Path.of(data);
      if (!Files.isRegularFile(file)) throw new CliException("data " + data + " is not a file (nor 'breast-cancer' or 'fashion-mnist')");
      try {
        CsvReader.Builder b = CsvReader.builder();
        if (c.labelColumn() != null) b.labelColumn(c.labelColumn());
        raw = b.build().read(file).dataset();
      } catch (IOException | IllegalArgumentException e) {
        throw new CliException("cannot read data " + data + ": " + e.getMessage());
      }
    }
    // unscaled: the server's tasks say how to scale (StandardizingClient)
    return raw;
  }

  /** The decimal {@code digits} as an int, or {@code max} + 1 if larger than {@code max}. */
  private static int boundedInt(String digits, int max) {
    String d = digits.replaceFirst("^0+(?=.)", "");
    return d.length() > 9 || Integer.parseInt(d) > max ? max + 1 : Integer.parseInt(d);
  }
}
