package io.lianbang.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessServerBuilder;
import io.lianbang.core.task.Config;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.grpc.proto.v1.FederationGrpc;
import io.lianbang.grpc.proto.v1.GetTaskRequest;
import io.lianbang.grpc.proto.v1.HeartbeatRequest;
import io.lianbang.grpc.proto.v1.RegisterResponse;
import io.lianbang.grpc.proto.v1.Task;
import io.lianbang.grpc.server.ClientGoneException;
import io.lianbang.grpc.server.ClientSnapshot;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a poll answers, as docs/protocol.md states it: the oldest open task (again while it stays
 * open), WAIT once the server's cap on {@code max_wait_ms} passes, FINISH and a finished heartbeat
 * once the run is over; a parked poll ends with the reason its session ended, and a replaced
 * session's open tasks fail at once.
 */
class PollingTest {
  @RegisterExtension final TestChannels net = new TestChannels();

  private static ServerSettings settings(String runId) {
    return ServerSettings.defaults(runId).withAllowAnonymous(true).withHeartbeatInterval(Duration.ofSeconds(30));
  }

  private static Task poll(ManagedChannel ch, RegisterResponse session, int maxWaitMs, int deadlineSeconds) {
    return FederationGrpc.newBlockingStub(ch).withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS)
        .getTask(GetTaskRequest.newBuilder().setSessionId(session.getSessionId()).setMaxWaitMs(maxWaitMs).build());
  }

  private static boolean heartbeat(ManagedChannel ch, RegisterResponse session) {
    return FederationGrpc.newBlockingStub(ch).withDeadlineAfter(5, TimeUnit.SECONDS)
        .heartbeat(HeartbeatRequest.newBuilder().setSessionId(session.getSessionId()).build()).getFinished();
  }

  /** Waits (at most 20 s) until the server has heard from {@code id} after {@code after}: its poll has reached the server. */
  private static void awaitSeenAfter(FederationServer server, String id, Instant after) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (server.clientSnapshot().stream().filter(c -> c.id().equals(id)).map(ClientSnapshot::lastSeen).noneMatch(t -> t.isAfter(after))) {
      assertTrue(System.nanoTime() < end, "the poll of " + id + " did not reach the server");
      Thread.sleep(20);
    }
  }

  private static StatusRuntimeException endedWith(Future<Task> poll) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> poll.get(20, TimeUnit.SECONDS));
    return assertInstanceOf(StatusRuntimeException.class, e.getCause());
  }

  @Test
  void aPollGetsTheOldestOpenTaskAgainUntilItIsAnsweredThenWaitThenFinish() throws Exception {
    String name = InProcessServerBuilder.generateName();
    try (FederationServer server = FederationServer.start(InProcessServerBuilder.forName(name),
        settings("polls").withMaxPoll(Duration.ofMillis(300)))) {
      ManagedChannel ch = net.inProcess(name);
      RegisterResponse session = TestChannels.register(ch, "a");

      // max_wait_ms far beyond the server's cap: WAIT (retry at once) comes after the cap, well before the call's deadline.
      Task wait = poll(ch, session, 600_000, 30);
      assertTrue(wait.hasWait(), wait.toString());
      assertEquals(0, wait.getWait().getRetryAfterMs());
      assertEquals("polls", wait.getRunId());
      assertFalse(heartbeat(ch, session), "the run is not over");

      Instant deadline = Instant.now().plusSeconds(60);
      CompletableFuture<FitResult> fit = server.clients().get("a").orElseThrow()
          .fit(new FitTask(1, TestClients.initial(), Config.empty(), 7), deadline);
      CompletableFuture<?> evaluation = server.clients().get("a").orElseThrow().evaluate(new EvalTask(1, TestClients.initial(), Config.empty()), deadline);
      Task first = poll(ch, session, 1000, 10);
      assertTrue(first.hasFit(), "the oldest open task comes first: " + first.getKindCase());
      assertEquals(1, first.getRound());
      assertEquals(deadline.toEpochMilli(), first.getDeadlineUnixMs());
      Task again = poll(ch, session, 1000, 10);
      assertEquals(first, again, "a poll while the task is open gets that task again");

      fit.cancel(false); // the task closes; the next open one is the evaluation
      Task next = poll(ch, session, 1000, 10);
      assertTrue(next.hasEvaluate(), next.getKindCase().toString());
      evaluation.cancel(false);

      server.finish("all done", Duration.ofSeconds(1));
      Task finish = poll(ch, session, 1000, 10);
      assertTrue(finish.hasFinish(), finish.getKindCase().toString());
      assertEquals("all done", finish.getFinish().getReason());
      assertTrue(heartbeat(ch, session), "the heartbeat says the run is over");
    }
  }

  @Test
  void aNewRegistrationFailsTheOldSessionsTasksAtOnceAndEndsItsPollAsReplaced() throws Exception {
    String name = InProcessServerBuilder.generateName();
    try (FederationServer server = FederationServer.start(InProcessServerBuilder.forName(name), settings("replace"))) {
      ManagedChannel ch = net.inProcess(name);
      RegisterResponse old = TestChannels.register(ch, "a");
      CompletableFuture<FitResult> fit = server.clients().get("a").orElseThrow()
          .fit(new FitTask(1, TestClients.initial(), Config.empty(), 7), Instant.now().plusSeconds(120));
      RegisterResponse fresh = TestChannels.register(ch, "a");
      ExecutionException failed = assertThrows(ExecutionException.class, () -> fit.get(20, TimeUnit.SECONDS));
      assertInstanceOf(ClientGoneException.class, failed.getCause(), "the open task fails at once, not at its deadline");
      StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class, () -> heartbeat(ch, old));
      assertEquals(RefusalReason.UNKNOWN_SESSION, RefusalReason.of(unknown).orElseThrow());

      Thread.sleep(200);
      Instant before = Instant.now();
      Future<Task> parked = net.submit(() -> poll(ch, fresh, 20_000, 30));
      awaitSeenAfter(server, "a", before);
      TestChannels.register(ch, "a");
      StatusRuntimeException replaced = endedWith(parked);
      assertEquals(Status.Code.ABORTED, replaced.getStatus().getCode(), replaced.toString());
      assertEquals(RefusalReason.SESSION_REPLACED, RefusalReason.of(replaced).orElseThrow());
      assertTrue(replaced.getStatus().getDescription().contains("session replaced"), replaced.toString());
    }
  }

  @Test
  void aServerClosedBeforeTheRunIsOverEndsAParkedPollAsShuttingDown() throws Exception {
    String name = InProcessServerBuilder.generateName();
    Future<Task> parked;
    try (FederationServer server = FederationServer.start(InProcessServerBuilder.forName(name), settings("shutdown"))) {
      ManagedChannel ch = net.inProcess(name);
      RegisterResponse session = TestChannels.register(ch, "a");
      Thread.sleep(200);
      Instant before = Instant.now();
      parked = net.submit(() -> poll(ch, session, 20_000, 30));
      awaitSeenAfter(server, "a", before);
    }
    StatusRuntimeException ended = endedWith(parked);
    assertEquals(Status.Code.UNAVAILABLE, ended.getStatus().getCode(), ended.toString());
    assertEquals(RefusalReason.SERVER_SHUTTING_DOWN, RefusalReason.of(ended).orElseThrow());
  }
}
