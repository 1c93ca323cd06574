package io.lianbang.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.RunResult;
import io.lianbang.grpc.client.ClientSettings;
import io.lianbang.grpc.client.FederationClient;
import io.lianbang.grpc.client.FederationClientException;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Only the end of the run ends a client cleanly: a server that shuts down before the run is over
 * is a server to wait for, and a session taken over by another registration ends with an error.
 */
class ClientRejoinTest {
  @RegisterExtension final TestChannels net = new TestChannels();

  private Future<FederationClient.Summary> client(int port, String name, int index) {
    FederationClient c = new FederationClient(net.loopback(port), TestClients.pulling(index, 0), ClientSettings.defaults(name)
        .withGiveUpAfter(Duration.ofSeconds(60)).withBackoff(Duration.ofMillis(100), Duration.ofMillis(500)));
    return net.submit(c::run);
  }

  private static ServerSettings settings(String runId) {
    return ServerSettings.defaults(runId).withAllowAnonymous(true);
  }

  @Test
  void aServerShutDownMidRunIsWaitedForAndTheClientRejoinsItsSuccessor() throws Exception {
    FederationConfig config = FederationConfig.of(2, 7).withRoundTimeout(Duration.ofSeconds(20));
    RunResult reference = TestClients.reference(List.of("c0"), config);
    int port;
    Future<FederationClient.Summary> run;
    try (FederationServer first = FederationServer.builder().bind("127.0.0.1", 0).settings(settings("rejoin")).start()) {
      port = first.port();
      run = client(port, "c0", 0);
      assertTrue(first.clients().awaitAvailable(1, Instant.now().plusSeconds(30)), "c0 registered");
      Thread.sleep(500); // c0's poll is parked on the server (if not, it sees the shutdown on its next call instead)
    } // closed before the run is over: not a FINISH

    try (FederationServer second = FederationServer.builder().bind("127.0.0.1", port).settings(settings("rejoin")).start()) {
      assertTrue(second.clients().awaitAvailable(1, Instant.now().plusSeconds(30)), "c0 came back to the restarted server");
      RunResult remote = new Federation(TestClients.strategy(1), second.clients(), config, List.of()).run(TestClients.initial());
      second.finish("done", Duration.ofSeconds(5));
      FederationClient.Summary s = run.get(10, TimeUnit.SECONDS);
      assertEquals("done", s.finishReason());
      assertEquals(2, s.fitTasks());
      assertArrayEquals(reference.parameters().flatten(), remote.parameters().flatten());
    }
  }

  @Test
  void aSessionTakenOverByAnotherRegistrationEndsWithAnError() throws Exception {
    try (FederationServer server = FederationServer.builder().bind("127.0.0.1", 0).settings(settings("twins")).start()) {
      List<Future<FederationClient.Summary>> twins = List.of(client(server.port(), "twin", 0), client(server.port(), "twin", 1));
      Future<FederationClient.Summary> ended = null;
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (ended == null && System.nanoTime() < end) {
        for (Future<FederationClient.Summary> t : twins) if (t.isDone()) ended = t;
        Thread.sleep(20);
      }
      assertNotNull(ended, "one of two clients with the same identity stops");
      Future<FederationClient.Summary> stopped = ended;
      ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, stopped::get);
      FederationClientException refusal = assertInstanceOf(FederationClientException.class, e.getCause());
      assertTrue(refusal.getMessage().contains("ABORTED") && refusal.getMessage().contains("session replaced"), refusal.getMessage());

      Future<FederationClient.Summary> survivor = twins.get(0) == stopped ? twins.get(1) : twins.get(0);
      assertFalse(survivor.isDone(), "the other one keeps its session");
      server.finish("done", Duration.ofSeconds(5));
      assertEquals("done", survivor.get(10, TimeUnit.SECONDS).finishReason());
    }
  }
}
