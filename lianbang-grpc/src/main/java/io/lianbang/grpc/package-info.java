/**
 * Federations across machines over gRPC: the {@code lianbang.v1} protocol (see
 * {@code docs/protocol.md}), the server that runs a {@link io.lianbang.core.federation.Federation}
 * over remote clients, and the client runtime that serves any {@link io.lianbang.core.client.Client}.
 */
package io.lianbang.grpc;
