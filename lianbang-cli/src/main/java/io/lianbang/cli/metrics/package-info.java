/**
 * The server's operational metrics: Micrometer's Prometheus registry fed by the server's
 * {@link io.lianbang.grpc.server.ServerMetrics} hook and the round loop, and the HTTP endpoint of
 * {@code /metrics}, {@code /healthz} and {@code /readyz}.
 */
package io.lianbang.cli.metrics;
