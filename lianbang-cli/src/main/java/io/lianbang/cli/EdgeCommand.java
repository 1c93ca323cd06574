package io.lianbang.cli;

import io.grpc.ManagedChannel;
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
          + "bit for bit. --seed must be the parent's run seed. Ends when the parent ends the run.",
      ""
    })
final class EdgeCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--parent", required = true, paramLabel = "HOST:PORT", description = "The parent server.")
  String parent;

  @Option(names = "--name", required = true, paramLabel = "NAME",
      description = "This edge's identity at the parent (its certificate CN when it presents one).")
  String name;

  @Option(names = "--seed", required = true, paramLabel = "N", description = "The parent's run seed.")
  long seed;

  @Option(names = "--model", required = true, paramLabel = "SPEC", description = "The engine model; must equal the parent's model.")
  String model;

  @Option(names = "--listen", defaultValue = "127.0.0.1:7444", paramLabel = "HOST:PORT",
      description = "Where the edge's own clients dial in (default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(names = "--min-clients", defaultValue = "1", paramLabel = "N",
      description = "Clients to wait for before each round (default: ${DEFAULT-VALUE}).")
  int minClients;

  @Option(names = "--wait-for-clients", defaultValue = "60", paramLabel = "SECONDS",
      description = "How long a round waits for --min-clients (default: ${DEFAULT-VALUE}).")
  long waitSeconds;

  @Option(names = "--round-timeout", defaultValue = "600", paramLabel = "SECONDS",
      description = "Deadline of the clients' fit and evaluation tasks (default: ${DEFAULT-VALUE}).")
  long roundTimeoutSeconds;

  @Option(names = "--max-examples", defaultValue = "1000000", paramLabel = "N",
      description = "Largest example count a client may claim (larger claims are clipped); must equal the parent's "
          + "limits.max_examples (default: ${DEFAULT-VALUE}).")
  long maxExamples;

  @Option(names = "--clients", split = ",", paramLabel = "ID", description = "Allow-list of the edge's clients (default: any authenticated client).")
  List<String> clients = List.of();

  @Option(names = "--ca", paramLabel = "FILE", description = "CA of the parent's certificate; TLS to the parent is on unless --insecure.")
  Path ca;

  @Option(names = "--cert", paramLabel = "FILE", description = "The edge's certificate: to the parent (mutual TLS) and to its own clients.")
  Path cert;

  @Option(names = "--key", paramLabel = "FILE", description = "The private key (PKCS#8) of --cert.")
  Path key;

  @Option(names = "--client-ca", paramLabel = "FILE", description = "CA of the edge's clients' certificates (mutual TLS with them).")
  Path clientCa;

  @Option(names = "--insecure", description = "Plaintext both ways, anonymous clients named by themselves (loopback tests only).")
  boolean insecure;

  @Override
  public Integer call() throws Exception {
    HostPort.parse("parent", parent, false);
    HostPort own = HostPort.parse("listen", listen, true);
    Parameters layout;
    EdgeSettings settings;
    try {
      layout = Models.create(model, seed).parameters();
      settings = EdgeSettings.defaults(name, seed).withMinClients(minClients).withWaitForClients(Duration.ofSeconds(waitSeconds))
          .withRoundTimeout(Duration.ofSeconds(roundTimeoutSeconds)).withEvaluateTimeout(Duration.ofSeconds(roundTimeoutSeconds))
          .withMaxExamples(maxExamples);
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage());
    }
    if (!insecure && (ca == null || cert == null || key == null || clientCa == null)) {
      throw new CliException("edge needs --ca, --cert, --key and --client-ca (mutual TLS with the parent and with its clients),"
          + " or --insecure");
    }
    ServerSettings serverSettings = ServerSettings.defaults("edge-" + name + "-" + seed).withAllowedClients(Set.copyOf(clients))
        .withAllowAnonymous(insecure);
    FederationServer.Builder b = FederationServer.builder().bind(own.host(), own.port()).settings(serverSettings);
    if (insecure) b.insecure();
    else b.tls(new ServerTls(cert, key, clientCa));
    PrintWriter out = spec.commandLine().getOut();
    ManagedChannel channel = ClientChannels.open(parent, insecure ? null : new ClientTls(ca, cert, key), null, insecure);
    try (FederationServer server = b.start()) {
      server.expectLayout(layout);
      out.println("edge " + name + " listening on " + listen + " (port " + server.port() + "), parent " + parent);
      out.flush();
      FederationClient.Summary s = EdgeAggregator.serve(server, channel,
          ClientSettings.defaults(name).withModelLayout(layout), settings);
      out.println("done: " + s.fitTasks() + " fit and " + s.evaluateTasks() + " evaluation tasks for the parent (" + s.finishReason() + ")");
      out.flush();
    } finally {
      channel.shutdownNow();
    }
    return 0;
  }
}
