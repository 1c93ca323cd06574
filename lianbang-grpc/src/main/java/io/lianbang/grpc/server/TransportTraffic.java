package io.lianbang.grpc.server;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import io.lianbang.core.federation.TrafficMeter;
import io.lianbang.grpc.proto.v1.FederationGrpc;
import java.util.Set;

/**
 * Measures, at the transport, the bytes of the calls that carry a task's data, and reports them
 * to a {@link TrafficMeter} under the task's round: uplink, every message the server receives in
 * {@code DownloadParameters} (the request), {@code SubmitResult}, {@code SubmitSecAgg} and
 * {@code SubmitEncrypted}; downlink, every message it sends in {@code DownloadParameters} (the
 * parameter chunks). Sizes are gRPC's wire sizes ({@link io.grpc.StreamTracer#inboundWireSize},
 * {@link io.grpc.StreamTracer#outboundWireSize}): the message bytes as they travel, after gRPC
 * message compression (none is configured), without HTTP/2 framing and headers. Acknowledgements,
 * polls, registrations and heartbeats are not counted.
 *
 * <p>A call's round is known once the service has resolved the task it names
 * ({@link #attribute}); bytes received before that (the call's first message) are held and
 * reported then. A call that names no open task is never attributed and counts nothing.
 * Attributed bytes also go to the server's {@link ServerMetrics}, whatever their round, and to
 * the task's client in {@link ClientTraffic}.
 */
final class TransportTraffic extends ServerStreamTracer.Factory {
  private static final Context.Key<CallTracer> CALL = Context.key("lianbang-call-traffic");
  private static final String DOWNLOAD = FederationGrpc.getDownloadParametersMethod().getFullMethodName();
  private static final Set<String> TASK_CALLS = Set.of(DOWNLOAD,
      FederationGrpc.getSubmitResultMethod().getFullMethodName(),
      FederationGrpc.getSubmitSecAggMethod().getFullMethodName(),
      FederationGrpc.getSubmitEncryptedMethod().getFullMethodName());

  private final TrafficMeter meter;
  private final ServerMetrics metrics;
  private final ClientTraffic clients;

  TransportTraffic(TrafficMeter meter, ServerMetrics metrics, ClientTraffic clients) {
    this.meter = meter;
    this.metrics = metrics;
    this.clients = clients;
  }

  @Override
  public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
    return TASK_CALLS.contains(fullMethodName) ? new CallTracer(meter, metrics, clients, fullMethodName.equals(DOWNLOAD)) : NOOP;
  }

  /**
   * Attributes the current call's bytes, past and future, to {@code round} and {@code clientId};
   * no-op outside a traced call.
   */
  static void attribute(int round, String clientId) {
    CallTracer t = CALL.get();
    if (t != null) t.attribute(round, clientId);
  }

  private static final ServerStreamTracer NOOP = new ServerStreamTracer() {};

  /** The bytes of one call. */
  private static final class CallTracer extends ServerStreamTracer {
    private final TrafficMeter meter;
    private final ServerMetrics metrics;
    private final ClientTraffic clients;
    private final boolean countOutbound;
    private boolean attributed;
    private int round;
    private String clientId;
    private long pendingIn;
    private long pendingOut;

    CallTracer(TrafficMeter meter, ServerMetrics metrics, ClientTraffic clients, boolean countOutbound) {
      this.meter = meter;
      this.metrics = metrics;
      this.clients = clients;
      this.countOutbound = countOutbound;
    }

    @Override
    public Context filterContext(Context context) {
      return context.withValue(CALL, this);
    }

    synchronized void attribute(int round, String clientId) {
      if (attributed) return;
      attributed = true;
      this.round = round;
      this.clientId = clientId;
      uplink(pendingIn);
      downlink(pendingOut);
    }

    private void uplink(long bytes) {
      meter.uplink(round, bytes);
      clients.uplink(clientId, bytes);
      if (bytes > 0) metrics.received(bytes);
    }

    private void downlink(long bytes) {
      meter.downlink(round, bytes);
      clients.downlink(clientId, bytes);
      if (bytes > 0) metrics.sent(bytes);
    }

    @Override
    public synchronized void inboundWireSize(long bytes) {
      if (bytes <= 0) return;
      if (attributed) uplink(bytes);
      else pendingIn += bytes;
    }

    @Override
    public synchronized void outboundWireSize(long bytes) {
      if (bytes <= 0 || !countOutbound) return;
      if (attributed) downlink(bytes);
      else pendingOut += bytes;
    }
  }
}
