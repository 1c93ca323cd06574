package io.lianbang.grpc.server;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.StatusRuntimeException;
import io.lianbang.grpc.RefusalReason;
import java.io.InputStream;

/**
 * Turns a message that is not valid protobuf into {@code INVALID_ARGUMENT} naming the method,
 * instead of the opaque {@code UNKNOWN} gRPC would answer, and ends the call cleanly so the
 * handler releases what it held. Works on a service whose messages are still serialized (see
 * {@link #guard}): the parse happens inside this interceptor's listener.
 */
final class ParseGuard implements ServerInterceptor {
  private static final MethodDescriptor.Marshaller<InputStream> RAW = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(InputStream value) {
      return value;
    }

    @Override
    public InputStream parse(InputStream stream) {
      return stream;
    }
  };

  /** {@code service} with serialized messages, guarded. */
  static ServerServiceDefinition guard(ServerServiceDefinition service) {
    return ServerInterceptors.intercept(ServerInterceptors.useMarshalledMessages(service, RAW), new ParseGuard());
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
      private boolean closed;

      @Override
      public void onMessage(Q message) {
        if (closed) return;
        try {
          super.onMessage(message);
        } catch (StatusRuntimeException e) {
          if (!(e.getCause() instanceof InvalidProtocolBufferException bad)) throw e;
          closed = true;
          String method = call.getMethodDescriptor().getBareMethodName();
          StatusRuntimeException refusal = FederationService.reject(RefusalReason.MALFORMED_MESSAGE, method, null,
              "a " + method + " message is not valid protobuf: " + bad.getMessage());
          super.onCancel(); // the handler releases what it holds, as for a broken-off call
          call.close(refusal.getStatus(), refusal.getTrailers());
        }
      }

      @Override
      public void onHalfClose() {
        if (!closed) super.onHalfClose();
      }

      @Override
      public void onCancel() {
        if (!closed) super.onCancel();
      }

      @Override
      public void onComplete() {
        if (!closed) super.onComplete();
      }

      @Override
      public void onReady() {
        if (!closed) super.onReady();
      }
    };
  }
}
