package io.lianbang.grpc.server;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.lianbang.grpc.RefusalReason;

/**
 * Reports to {@link ServerMetrics#refused} every call that ends with a Lianbang refusal (a status
 * whose trailers carry a {@link RefusalReason}), whether the service, the authenticator, the parse
 * guard or a dropped session ended it: outermost, it sees every call's end.
 */
final class RefusalMetering implements ServerInterceptor {
  private final ServerMetrics metrics;

  RefusalMetering(ServerMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    ServerCall<Q, R> metered = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        if (!status.isOk()) RefusalReason.of(status.asRuntimeException(trailers)).ifPresent(metrics::refused);
        super.close(status, trailers);
      }
    };
    return next.startCall(metered, headers);
  }
}
