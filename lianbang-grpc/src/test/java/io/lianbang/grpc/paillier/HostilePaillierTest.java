package io.lianbang.grpc.paillier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.lianbang.grpc.keyholder.KeyHolderService;
import io.lianbang.grpc.RogueSession;
import io.lianbang.grpc.proto.v1.DecryptMeanRequest;
import io.lianbang.grpc.proto.v1.EncryptedPart;
import io.lianbang.grpc.proto.v1.KeyHolderGrpc;
import io.lianbang.grpc.proto.v1.Task;
import io.lianbang.grpc.proto.v1.TaskRef;
import io.lianbang.privacy.paillier.EncryptedVector;
import io.lianbang.privacy.paillier.LocalKeyHolder;
import io.lianbang.privacy.paillier.PaillierPublicKey;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A registered client answers a Paillier task with hostile parts, and a caller sends the key
 * holder hostile aggregates. Each is refused with a status naming the field and value; a refused
 * part closes the task, so the client is left out of the sum.
 */
class HostilePaillierTest {
  private static final int ROUND = 3;
  private static final int LENGTH = 5;
  private static final LocalKeyHolder HOLDER = LocalKeyHolder.generate(512, 2, new SecureRandom());

  private RogueSession rogue;

  @BeforeEach
  void start() {
    rogue = RogueSession.start("hostile-paillier");
  }

  @AfterEach
  void stop() {
    rogue.close();
  }

  private PaillierPublicKey key() {
    return HOLDER.publicKey();
  }

  private CompletableFuture<EncryptedVector> collect(Task[] task) {
    CompletableFuture<EncryptedVector> f = rogue.server.paillierTransport(key()).collect("rogue", ROUND, LENGTH, Instant.now().plusSeconds(10));
    task[0] = rogue.nextTask();
    assertTrue(task[0].hasPaillier(), task[0].toString());
    assertEquals(key().n(), new BigInteger(1, task[0].getPaillier().getModulus().toByteArray()), "the server relays the key");
    assertEquals(LENGTH, task[0].getPaillier().getLength());
    return f;
  }

  private EncryptedPart.Builder part(Task t, int offset, BigInteger... ciphertexts) {
    EncryptedPart.Builder b = EncryptedPart.newBuilder().setTask(TaskRef.newBuilder().setSessionId(rogue.session.getSessionId())
        .setRunId(t.getRunId()).setRound(t.getRound()).setTaskId(t.getTaskId())).setOffset(offset);
    for (BigInteger c : ciphertexts) b.addCiphertexts(ByteString.copyFrom(c.toByteArray()));
    return b;
  }

  private Status send(EncryptedPart.Builder p) {
    return assertThrows(StatusRuntimeException.class, () -> rogue.stub.withDeadlineAfter(5, TimeUnit.SECONDS).submitEncrypted(p.build()))
        .getStatus();
  }

  private static BigInteger[] ones(int n) {
    BigInteger[] out = new BigInteger[n];
    java.util.Arrays.fill(out, BigInteger.TWO);
    return out;
  }

  private void refused(java.util.function.Function<Task, EncryptedPart.Builder> hostile, String description) throws Exception {
    Task[] t = new Task[1];
    CompletableFuture<EncryptedVector> f = collect(t);
    Status s = send(hostile.apply(t[0]));
    assertEquals(Status.Code.INVALID_ARGUMENT, s.getCode(), s.toString());
    assertTrue(s.getDescription().startsWith(description), s.getDescription());
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
    assertTrue(e.getCause().getMessage().contains(description), e.getCause().getMessage());
    assertTrue(e.getCause().getMessage().startsWith("rejected encrypted contribution: " + description), e.getCause().getMessage());
    Status again = send(part(t[0], 0, ones(LENGTH)));
    assertEquals(Status.Code.FAILED_PRECONDITION, again.getCode(), "the task is closed");
  }

  @Test
  void partsInOrderCompleteTheTask() throws Exception {
    Task[] t = new Task[1];
    CompletableFuture<EncryptedVector> f = collect(t);
    assertTrue(rogue.stub.withDeadlineAfter(5, TimeUnit.SECONDS).submitEncrypted(part(t[0], 0, ones(2)).build()).getAccepted());
    assertTrue(!f.isDone(), "three ciphertexts are still missing");
    assertTrue(rogue.stub.withDeadlineAfter(5, TimeUnit.SECONDS).submitEncrypted(part(t[0], 2, ones(3)).build()).getAccepted());
    assertEquals(LENGTH, f.get(5, TimeUnit.SECONDS).size());
  }

  @Test
  void aGapOrOverlapIsRefused() throws Exception {
    refused(t -> part(t, 1, ones(2)), "offset 1 is not the 0 ciphertexts received so far");
  }

  @Test
  void tooManyCiphertextsAreRefused() throws Exception {
    refused(t -> part(t, 0, ones(LENGTH + 1)), "ciphertexts: 6 at offset 0, but task '");
  }

  @Test
  void anEmptyPartIsRefused() throws Exception {
    refused(t -> part(t, 0), "ciphertexts: 0 at offset 0");
  }

  @Test
  void aCiphertextOutsideTheGroupIsRefused() throws Exception {
    refused(t -> part(t, 0, BigInteger.ONE, key().nSquared()), "ciphertexts[1] (" + key().nSquared().toByteArray().length
        + " bytes) is not in (0, n²)");
    refused(t -> part(t, 0, BigInteger.ZERO), "ciphertexts[0] (1 bytes) is not in (0, n²)");
  }

  @Test
  void aPartWithAnErrorLeavesTheClientOutAtOnce() throws Exception {
    Task[] t = new Task[1];
    CompletableFuture<EncryptedVector> f = collect(t);
    assertTrue(!rogue.stub.withDeadlineAfter(5, TimeUnit.SECONDS).submitEncrypted(part(t[0], 0)
        .setError(io.lianbang.grpc.proto.v1.TaskError.newBuilder().setMessage("no key")).build()).getAccepted());
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
    assertTrue(e.getCause().getMessage().contains("client reported an error: no key"), e.getCause().getMessage());
  }

  @Test
  void anOverlongErrorIsRefused() throws Exception {
    refused(t -> part(t, 0).setError(io.lianbang.grpc.proto.v1.TaskError.newBuilder().setMessage("e".repeat(5000))),
        "TaskError.message is 5000 characters, more than the limit of 1024");
  }

  @Test
  void theKeyHolderRefusesOversizedOrOutOfRangeAggregates() throws Exception {
    String name = InProcessServerBuilder.generateName();
    io.grpc.Server holder = InProcessServerBuilder.forName(name).addService(new KeyHolderService(HOLDER, LENGTH)).build().start();
    ManagedChannel ch = InProcessChannelBuilder.forName(name).build();
    try {
      KeyHolderGrpc.KeyHolderBlockingStub k = KeyHolderGrpc.newBlockingStub(ch).withDeadlineAfter(5, TimeUnit.SECONDS);
      DecryptMeanRequest.Builder tooMany = DecryptMeanRequest.newBuilder().setRound(1);
      for (int i = 0; i < LENGTH + 1; i++) tooMany.addCiphertexts(ByteString.copyFrom(BigInteger.TWO.toByteArray()));
      Status s = assertThrows(StatusRuntimeException.class, () -> k.decryptMean(tooMany.build())).getStatus();
      assertEquals(Status.Code.INVALID_ARGUMENT, s.getCode());
      assertEquals("ciphertexts: 6 entries, expected 3 to 5", s.getDescription());
      DecryptMeanRequest.Builder outside = DecryptMeanRequest.newBuilder().setRound(1);
      for (int i = 0; i < 3; i++) outside.addCiphertexts(ByteString.copyFrom((i == 2 ? key().nSquared() : BigInteger.TWO).toByteArray()));
      s = assertThrows(StatusRuntimeException.class, () -> k.decryptMean(outside.build())).getStatus();
      assertEquals(Status.Code.INVALID_ARGUMENT, s.getCode());
      assertEquals("ciphertexts[2] (" + key().nSquared().toByteArray().length + " bytes) is not in (0, n²)", s.getDescription());
    } finally {
      ch.shutdownNow();
      holder.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
