package io.lianbang.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientStreamTracer;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.lianbang.grpc.proto.v1.FederationGrpc;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts, on a client's side, the message bytes (wire size) of the calls that carry parameters:
 * what it sends in SubmitResult (and, if asked, in DownloadParameters requests, as the server
 * meters its uplink) and what it receives in DownloadParameters.
 */
final class WireBytes implements ClientInterceptor {
  final AtomicLong up = new AtomicLong();
  final AtomicLong down = new AtomicLong();
  private final boolean countRequests;

  /** @param countRequests whether DownloadParameters requests count as sent bytes */
  WireBytes(boolean countRequests) {
    this.countRequests = countRequests;
  }

  @Override
  public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
    String name = method.getFullMethodName();
    boolean download = name.equals(FederationGrpc.getDownloadParametersMethod().getFullMethodName());
    if (!download && !name.equals(FederationGrpc.getSubmitResultMethod().getFullMethodName())) return next.newCall(method, options);
    return next.newCall(method, options.withStreamTracerFactory(new ClientStreamTracer.Factory() {
      @Override
      public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info, Metadata headers) {
        return new ClientStreamTracer() {
          @Override
          public void outboundWireSize(long bytes) {
            if (!download || countRequests) up.addAndGet(bytes);
          }

          @Override
          public void inboundWireSize(long bytes) {
            if (download) down.addAndGet(bytes);
          }
        };
      }
    }));
  }
}
