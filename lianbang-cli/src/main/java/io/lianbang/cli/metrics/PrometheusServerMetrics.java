package io.lianbang.cli.metrics;

import io.lianbang.core.federation.RoundListener;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.grpc.RefusalReason;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;

/**
 * A federation server's metrics in a Micrometer registry, scraped in the Prometheus text format:
 * what the server reports through {@link ServerMetrics}, the rounds the round loop reports as a
 * {@link RoundListener}, the levels read from the server once {@link #bind bound}, and the JVM's
 * memory, garbage collection, threads, classes, processors and uptime. The series, by Prometheus
 * name:
 *
 * <ul>
 *   <li>{@code lianbang_rounds_completed_total}, {@code lianbang_round_current}: rounds complete
 *       and the round under way (0 before the first);
 *   <li>{@code lianbang_clients_connected}, {@code lianbang_uploads_in_flight},
 *       {@code lianbang_downloads_in_flight};
 *   <li>{@code lianbang_transport_received_bytes_total}, {@code lianbang_transport_sent_bytes_total}:
 *       the bytes of task calls, as the history's traffic counts them;
 *   <li>{@code lianbang_refused_calls_total{reason}}: refused calls by {@link RefusalReason};
 *   <li>{@code lianbang_round_duration_seconds}, {@code lianbang_upload_duration_seconds}:
 *       histograms;
 *   <li>{@code jvm_*}, {@code process_*}, {@code system_*}: Micrometer's JVM binders.
 * </ul>
 */
public final class PrometheusServerMetrics implements ServerMetrics, RoundListener, AutoCloseable {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final Counter roundsCompleted;
  private final AtomicInteger currentRound = new AtomicInteger();
  private final Counter received;
  private final Counter sent;
  private final Map<RefusalReason, Counter> refused = new EnumMap<>(RefusalReason.class);
  private final Timer roundDuration;
  private final Timer uploadDuration;

  /** A registry with every series but the server's levels, which {@link #bind} adds. */
  public PrometheusServerMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    roundsCompleted = Counter.builder("lianbang.rounds.completed").description("Rounds complete").register(registry);
    Gauge.builder("lianbang.round.current", currentRound, AtomicInteger::get)
        .description("The round under way (the last one once the run is over; 0 before the first)").register(registry);
    received = Counter.builder("lianbang.transport.received").baseUnit("bytes")
        .description("Bytes of task calls received from clients (gRPC wire sizes)").register(registry);
    sent = Counter.builder("lianbang.transport.sent").baseUnit("bytes")
        .description("Bytes of task calls sent to clients (gRPC wire sizes)").register(registry);
    for (RefusalReason r : RefusalReason.values()) {
      refused.put(r, Counter.builder("lianbang.refused.calls").tag("reason", r.name())
          .description("Calls the server refused, by reason").register(registry));
    }
    roundDuration = Timer.builder("lianbang.round.duration").description("Wall-clock duration of a round")
        .serviceLevelObjectives(seconds(0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800)).register(registry);
    uploadDuration = Timer.builder("lianbang.upload.duration")
        .description("Time from a result upload's header to the result taken by its task")
        .serviceLevelObjectives(seconds(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60)).register(registry);
  }

  private static Duration[] seconds(double... values) {
    Duration[] d = new Duration[values.length];
    for (int i = 0; i < values.length; i++) d[i] = Duration.ofNanos(Math.round(values[i] * 1e9));
    return d;
  }

  /** Adds the levels of {@code server}: clients connected, uploads and downloads in flight. */
  public void bind(FederationServer server) {
    level("lianbang.clients.connected", "Clients registered with a live session", server, FederationServer::connectedClients);
    level("lianbang.uploads.in.flight", "Result uploads under way", server, FederationServer::uploadsInFlight);
    level("lianbang.downloads.in.flight", "Parameter downloads under way", server, FederationServer::downloadsInFlight);
  }

  private void level(String name, String description, FederationServer server, ToDoubleFunction<FederationServer> value) {
    Gauge.builder(name, server, value).description(description).strongReference(true).register(registry);
  }

  /** The metrics in the Prometheus text format (version 0.0.4). */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void refused(RefusalReason reason) {
    refused.get(reason).increment();
  }

  @Override
  public void received(long bytes) {
    received.increment(bytes);
  }

  @Override
  public void sent(long bytes) {
    sent.increment(bytes);
  }

  @Override
  public void uploaded(Duration elapsed) {
    uploadDuration.record(elapsed);
  }

  @Override
  public void roundStarted(int round, int rounds, int sampled) {
    currentRound.set(round);
  }

  @Override
  public void roundCompleted(RoundRecord record, int rounds) {
    if (record.round() < 1) return; // the evaluation of the initial model is no round
    roundsCompleted.increment();
    roundDuration.record(Duration.ofNanos(Math.round(record.seconds() * 1e9)));
  }

  /** Stops the garbage-collection listener and closes the registry. */
  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
