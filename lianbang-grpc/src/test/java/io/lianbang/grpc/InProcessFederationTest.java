package io.lianbang.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.RunResult;
import io.lianbang.grpc.client.ClientSettings;
import io.lianbang.grpc.client.FederationClient;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InProcessFederationTest {
  @Test
  void remoteRunEqualsInJvmRunBitForBit() throws Exception {
    List<String> ids = List.of("alice", "bob", "carol");
    FederationConfig config = FederationConfig.of(3, 7).withRoundTimeout(Duration.ofSeconds(20));
    RunResult reference = TestClients.reference(ids, config);

    String name = InProcessServerBuilder.generateName();
    ServerSettings settings = ServerSettings.defaults("run-a").withAllowAnonymous(true).withMaxChunkBytes(4096)
        .withHeartbeatInterval(Duration.ofMillis(500));
    ExecutorService clients = Executors.newCachedThreadPool();
    List<ManagedChannel> channels = new ArrayList<>();
    try (FederationServer server = FederationServer.start(InProcessServerBuilder.forName(name), settings)) {
      List<Future<FederationClient.Summary>> runs = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
        channels.add(channel);
        FederationClient c = new FederationClient(channel, TestClients.pulling(i, 0),
            ClientSettings.defaults(ids.get(i)).withPollWait(Duration.ofSeconds(2)));
        runs.add(clients.submit(c::run));
      }
      RunResult remote = new Federation(TestClients.strategy(ids.size()), server.clients(), config, List.of()).run(TestClients.initial());
      server.finish("done", Duration.ofSeconds(5));
      for (Future<FederationClient.Summary> r : runs) {
        FederationClient.Summary s = r.get(10, TimeUnit.SECONDS);
        assertEquals(3, s.fitTasks());
        assertEquals(3, s.evaluateTasks());
        assertEquals("done", s.finishReason());
      }
      assertArrayEquals(reference.parameters().flatten(), remote.parameters().flatten());
      assertEquals(reference.history().withoutTiming(), remote.history().withoutTiming());
      assertTrue(remote.history().last().failures().isEmpty());
    } finally {
      channels.forEach(ManagedChannel::shutdownNow);
      clients.shutdownNow();
    }
  }
}
