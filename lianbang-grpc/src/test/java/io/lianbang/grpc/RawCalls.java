package io.lianbang.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Calls a method of the service with arbitrary bytes as messages, as a hostile peer would. */
final class RawCalls {
  private RawCalls() {}

  record Outcome(Status status, List<byte[]> responses) {}

  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  /** Sends {@code messages} to {@code lianbang.v1.Federation/method}, half-closes, and waits (bounded) for the status. */
  static Outcome call(Channel channel, String method, List<byte[]> messages) throws Exception {
    List<byte[]> responses = new ArrayList<>();
    Status s = start(channel, method, messages, true, 10, responses).get(15, TimeUnit.SECONDS);
    synchronized (responses) {
      return new Outcome(s, List.copyOf(responses));
    }
  }

  /**
   * Sends {@code messages} and then stalls: the call stays open, not half-closed, until the server
   * ends it or {@code deadlineSeconds} pass. Completes with the call's status.
   */
  static CompletableFuture<Status> stall(Channel channel, String method, List<byte[]> messages, int deadlineSeconds) {
    return start(channel, method, messages, false, deadlineSeconds, new ArrayList<>());
  }

  /** A call the test drives message by message. */
  record Stream(ClientCall<byte[], byte[]> call, CompletableFuture<Status> closed) {
    Stream send(byte[]... messages) {
      for (byte[] m : messages) call.sendMessage(m);
      return this;
    }

    Stream halfClose() {
      call.halfClose();
      return this;
    }
  }

  /**
   * Opens a call that asks for {@code responses} response messages (0: it reads nothing, so the
   * server's sends stall on flow control) and sends nothing yet.
   */
  static Stream open(Channel channel, String method, int responses, int deadlineSeconds) {
    ClientCall<byte[], byte[]> call = channel.newCall(method(method), CallOptions.DEFAULT.withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS));
    CompletableFuture<Status> closed = new CompletableFuture<>();
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onClose(Status status, Metadata trailers) {
        closed.complete(status);
      }
    }, new Metadata());
    if (responses > 0) call.request(responses);
    return new Stream(call, closed);
  }

  private static MethodDescriptor<byte[], byte[]> method(String method) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
        .setFullMethodName("lianbang.v1.Federation/" + method)
        .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
  }

  private static CompletableFuture<Status> start(Channel channel, String method, List<byte[]> messages, boolean halfClose,
      int deadlineSeconds, List<byte[]> responses) {
    ClientCall<byte[], byte[]> call = channel.newCall(method(method), CallOptions.DEFAULT.withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS));
    CompletableFuture<Status> closed = new CompletableFuture<>();
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onMessage(byte[] message) {
        synchronized (responses) {
          responses.add(message);
        }
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        closed.complete(status);
      }
    }, new Metadata());
    call.request(Integer.MAX_VALUE);
    for (byte[] m : messages) call.sendMessage(m);
    if (halfClose) call.halfClose();
    return closed;
  }
}
