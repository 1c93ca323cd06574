package io.lianbang.cli;

import io.grpc.ManagedChannel;
import io.lianbang.cli.config.ConfigKeys;
import io.lianbang.cli.config.ConfigLoader;
import io.lianbang.cli.config.EdgeSpec;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.engine.nn.Models;
import io.lianbang.grpc.client.ClientChannels;
import io.lianbang.grpc.client.ClientSettings;
import io.lianbang.grpc.client.FederationClient;
import io.lianbang.grpc.edge.EdgeAggregator;
import io.lianbang.grpc.edge.EdgeSettings;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerSettings;
import io.lianbang.grpc.tls.ClientTls;
import io.lianbang.grpc.tls.ServerTls;
import io.lianbang.sim.spec.Seconds;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code lianbang edge}: an edge aggregator ({@link EdgeAggregator}) between clients and a parent
 * server; see docs/protocol.md, "Hierarchical aggregation".
 */
@Command(name = "edge", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
    description = {
      "Run an edge aggregator: a server for its own clients ('lianbang client' dials --listen) and a client of its "
          + "parent server (--parent, which must list this edge's identity under edges.clients). Each round it trains "
          + "all its connected clients with the parent's model and configuration and sends the parent their exact "
          + "weighted sum, never their models: the parent's model equals that of the flat run over the same clients, "
          + "bit for bit. --seed must be the parent's run seed. Ends when the parent ends the run. Every setting is a key of "
          + "the optional --config file (see the keys below).",
      ""
    })
final class EdgeCommand implements Callable<Integer> {
  /** The flags, each the assignment of one key of {@link EdgeSpec}. */
  static final ConfigFlags FLAGS = new ConfigFlags(List.of(
      ConfigFlags.flag("--parent", "parent", String.class, "HOST:PORT", "The parent server (required)."),
      ConfigFlags.flag("--name", "name", String.class, "NAME", "This edge's identity at the parent (its certificate CN when it "
          + "presents one; required)."),
      ConfigFlags.flag("--seed", "seed", Long.class, "N", "The parent's run seed (required)."),
      ConfigFlags.flag("--model", "model", String.class, "SPEC", "The engine model; must equal the parent's model (required)."),
      ConfigFlags.flag("--listen", "listen", String.class, "HOST:PORT", "Where the edge's own clients dial in (default: 127.0.0.1:7444)."),
      ConfigFlags.flag("--min-clients", "min_clients", Integer.class, "N", "Clients to wait for before each round (default: 1)."),
      ConfigFlags.flag("--wait-for-clients", "wait_for_clients_seconds", Double.class, "SECONDS",
          "How long a round waits for --min-clients (default: 60)."),
      ConfigFlags.flag("--round-timeout", "round_timeout_seconds", Double.class, "SECONDS",
          "Deadline of the clients' fit and evaluation tasks (default: 600)."),
      ConfigFlags.flag("--max-examples", "max_examples", Long.class, "N", "Largest example count a client may claim (larger claims are "
          + "clipped); must equal the parent's limits.max_examples (default: 1000000)."),
      ConfigFlags.flag("--clients", "clients", List.class, "ID", "Allow-list of the edge's clients (default: any authenticated "
          + "client)."),
      ConfigFlags.flag("--ca", "tls.ca", String.class, "PEM", "CA of the parent's certificate."),
      ConfigFlags.flag("--cert", "tls.certificate", String.class, "PEM", "The edge's certificate: to the parent (mutual TLS) and to its "
          + "own clients."),
      ConfigFlags.flag("--key", "tls.private_key", String.class, "PEM", "The private key (PKCS#8) of --cert."),
      ConfigFlags.flag("--client-ca", "tls.client_ca", String.class, "PEM", "CA of the edge's clients' certificates (mutual TLS with "
          + "them)."),
      ConfigFlags.toggle("--insecure", "insecure", "Plaintext both ways, anonymous clients named by themselves (loopback tests only).")),
      ConfigKeys::edge, "min_clients=5");

  @Spec
  CommandSpec spec;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "The edge's YAML configuration (optional: flags can say it all).")
  Path config;

  @Override
  public Integer call() throws Exception {
    EdgeSpec c;
    HostPort own;
    Parameters layout;
    EdgeSettings settings;
    try {
      c = ConfigLoader.loadEdge(config, FLAGS.assignments(spec.commandLine().getParseResult()));
      HostPort.parse("parent", c.parent(), false);
      own = HostPort.parse("listen", c.listen(), true);
      layout = Models.create(c.model(), c.seed()).parameters();
      Duration roundTimeout = Seconds.of("round_timeout_seconds", c.roundTimeoutSeconds());
      settings = EdgeSettings.defaults(c.name(), c.seed()).withMinClients(c.minClients())
          .withWaitForClients(Seconds.of("wait_for_clients_seconds", c.waitForClientsSeconds()))
          .withRoundTimeout(roundTimeout).withEvaluateTimeout(roundTimeout).withMaxExamples(c.maxExamples());
    } catch (IllegalArgumentException e) { // a ConfigException too: each names its key
      throw new CliException(e.getMessage());
    }
    boolean insecure = c.insecure();
    ServerSettings serverSettings = ServerSettings.defaults("edge-" + c.name() + "-" + c.seed()).withAllowedClients(Set.copyOf(c.clients()))
        .withAllowAnonymous(insecure);
    FederationServer.Builder b = FederationServer.builder().bind(own.host(), own.port()).settings(serverSettings);
    EdgeSpec.Tls tls = c.tls();
    if (insecure) b.insecure();
    else b.tls(new ServerTls(tls.certificate(), tls.privateKey(), tls.clientCa()));
    PrintWriter out = spec.commandLine().getOut();
    ManagedChannel channel = ClientChannels.open(c.parent(), insecure ? null : new ClientTls(tls.ca(), tls.certificate(), tls.privateKey()),
        null, insecure);
    try (FederationServer server = b.start()) {
      server.expectLayout(layout);
      out.println("edge " + c.name() + " listening on " + c.listen() + " (port " + server.port() + "), parent " + c.parent());
      out.flush();
      FederationClient.Summary s = EdgeAggregator.serve(server, channel,
          ClientSettings.defaults(c.name()).withModelLayout(layout), settings);
      out.println("done: " + s.fitTasks() + " fit and " + s.evaluateTasks() + " evaluation tasks for the parent (" + s.finishReason() + ")");
      out.flush();
    } finally {
      channel.shutdownNow();
    }
    return 0;
  }
}
