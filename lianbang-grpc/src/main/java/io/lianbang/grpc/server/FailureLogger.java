package io.lianbang.grpc.server;

import io.grpc.ForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs calls that gRPC itself ends with an error before the service sees them: messages that are
 * not valid protobuf, messages above the size limit, and internal failures. (The service logs
 * the rejections it decides.)
 */
final class FailureLogger implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(FailureLogger.class);
  private static final Set<Status.Code> LOGGED = Set.of(Status.Code.INTERNAL, Status.Code.UNKNOWN, Status.Code.RESOURCE_EXHAUSTED);

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    ServerCall<Q, R> logging = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        if (LOGGED.contains(status.getCode())) {
          log.warn("rejected {} from {}: {} {}", call.getMethodDescriptor().getBareMethodName(),
              call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR), status.getCode(), status.getDescription());
        }
        super.close(status, trailers);
      }
    };
    return next.startCall(logging, headers);
  }
}
