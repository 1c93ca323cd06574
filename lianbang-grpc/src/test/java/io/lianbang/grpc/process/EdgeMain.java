package io.lianbang.grpc.process;

import io.grpc.ManagedChannel;
import io.lianbang.grpc.TestClients;
import io.lianbang.grpc.client.ClientChannels;
import io.lianbang.grpc.client.ClientSettings;
import io.lianbang.grpc.client.FederationClient;
import io.lianbang.grpc.edge.EdgeAggregator;
import io.lianbang.grpc.edge.EdgeSettings;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerSettings;
import io.lianbang.grpc.tls.ClientTls;
import io.lianbang.grpc.tls.ServerTls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * An edge aggregator in its own process: a server for its clients on an ephemeral loopback port
 * (mutual TLS with the test certificates, allow-list {@code allow}) and a client of the parent at
 * {@code parent} as {@code name}. Arguments ({@code key=value}): parent, name, seed, minClients,
 * tls (certificate directory), allow (comma-separated client names), heartbeatMs. Prints
 * {@code LISTENING port}, then {@code EDGE_DONE name fits=F evaluations=E} when the parent ends
 * the run.
 */
public final class EdgeMain {
  private EdgeMain() {}

  public static void main(String[] argv) throws Exception {
    Map<String, String> a = Args.parse(argv);
    String name = a.get("name");
    long seed = Long.parseLong(a.get("seed"));
    Path dir = Path.of(a.get("tls"));
    ServerSettings own = ServerSettings.defaults("edge-" + name)
        .withHeartbeatInterval(Duration.ofMillis(Long.parseLong(a.getOrDefault("heartbeatMs", "500"))))
        .withAllowedClients(Set.of(a.get("allow").split(",")));
    ClientTls tls = new ClientTls(dir.resolve("ca.pem"), dir.resolve("client-" + name + ".pem"), dir.resolve("client-" + name + "-key.pem"));
    ManagedChannel parent = ClientChannels.open(a.get("parent"), tls, null, false);
    try (FederationServer server = FederationServer.builder().bind("127.0.0.1", 0)
        .tls(new ServerTls(dir.resolve("server.pem"), dir.resolve("server-key.pem"), dir.resolve("ca.pem"))).settings(own).start()) {
      server.expectLayout(TestClients.initial());
      ServerMain.say("LISTENING " + server.port());
      EdgeSettings settings = EdgeSettings.defaults(name, seed).withMinClients(Integer.parseInt(a.get("minClients")))
          .withRoundTimeout(Duration.ofSeconds(30)).withEvaluateTimeout(Duration.ofSeconds(30));
      FederationClient.Summary s = EdgeAggregator.serve(server, parent, ClientSettings.defaults(name)
          .withGiveUpAfter(Duration.ofSeconds(60)).withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
          .withModelLayout(TestClients.initial()), settings);
      ServerMain.say("EDGE_DONE " + name + " fits=" + s.fitTasks() + " evaluations=" + s.evaluateTasks());
    } finally {
      parent.shutdownNow();
    }
    System.exit(0);
  }
}
