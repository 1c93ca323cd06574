package io.lianbang.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.lianbang.core.client.ClientProxy;
import io.lianbang.core.client.LocalClientProxy;
import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.RunResult;
import io.lianbang.core.federation.StaticClientPool;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.engine.nn.Models;
import io.lianbang.grpc.TestClients;
import io.lianbang.grpc.client.ClientChannels;
import io.lianbang.grpc.client.ClientSettings;
import io.lianbang.grpc.client.FederationClient;
import io.lianbang.grpc.server.EdgePolicy;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerSettings;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lianbang edge} in a process of its own on loopback, configured by a file and flags: three
 * clients dial it, it serves a parent server for two rounds, and the parent's model equals the flat
 * in-process run over the same three clients bit for bit.
 */
class EdgeCommandTest {
  private static final long SEED = 11;
  @TempDir Path dir;

  @Test
  void anEdgeProcessGivesTheParentTheFlatModel() throws Exception {
    List<String> ids = List.of("c0", "c1", "c2");
    Parameters initial = Models.create("logistic:2", SEED).parameters();
    FederationConfig config = FederationConfig.of(2, SEED).withRoundTimeout(Duration.ofSeconds(60));
    ExecutorService pool = Executors.newCachedThreadPool();
    List<ManagedChannel> channels = new ArrayList<>();
    try {
      List<ClientProxy> local = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) local.add(new LocalClientProxy(ids.get(i), TestClients.pulling(i, 0), pool));
      RunResult flat = new Federation(FedAvg.builder().minFitClients(3).minAvailableClients(3).build(), new StaticClientPool(local), config,
          List.of()).run(initial);

      int edgePort;
      try (ServerSocket s = new ServerSocket(0)) {
        edgePort = s.getLocalPort();
      }
      ServerSettings settings = ServerSettings.defaults("parent").withAllowAnonymous(true).withHeartbeatInterval(Duration.ofMillis(500))
          .withEdges(EdgePolicy.of(Set.of("edge-1")));
      try (FederationServer parent = FederationServer.builder().bind("127.0.0.1", 0).insecure().settings(settings).start()) {
        // the settings of the run in the edge's file, its addresses as flags (min_clients in both: the flag wins)
        Path file = dir.resolve("edge.yaml");
        Files.writeString(file, "name: edge-1\nseed: " + SEED + "\nmodel: logistic:2\nmin_clients: 1\nwait_for_clients_seconds: 60\n"
            + "clients: [c0, c1, c2]\n");
        Future<Cli> edge = pool.submit(() -> Cli.process(120, "edge", "--config", file.toString(), "--parent",
            "127.0.0.1:" + parent.port(), "--listen", "127.0.0.1:" + edgePort, "--min-clients", "3", "--insecure"));
        List<Future<FederationClient.Summary>> clients = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
          ManagedChannel ch = ClientChannels.open("127.0.0.1:" + edgePort, null, null, true);
          channels.add(ch);
          clients.add(pool.submit(new FederationClient(ch, TestClients.pulling(i, 0), ClientSettings.defaults(ids.get(i))
              .withPollWait(Duration.ofSeconds(2)).withGiveUpAfter(Duration.ofSeconds(60))
              .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(1)))::run));
        }
        RunResult tree = new Federation(FedAvg.builder().minFitClients(1).minAvailableClients(1).build(), parent.clients(), config,
            List.of()).run(initial);
        parent.finish("done", Duration.ofSeconds(5));
        Cli e = edge.get(60, TimeUnit.SECONDS);
        assertEquals(0, e.exit, e.out + e.err);
        assertTrue(e.out.contains("done: 2 fit"), e.out);
        for (Future<FederationClient.Summary> c : clients) assertEquals(2, c.get(30, TimeUnit.SECONDS).fitTasks());
        assertEquals(1, tree.history().last().succeeded());
        assertArrayEquals(flat.parameters().flatten(), tree.parameters().flatten());
      }
    } finally {
      channels.forEach(ManagedChannel::shutdownNow);
      pool.shutdownNow();
    }
  }
}
