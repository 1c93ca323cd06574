/**
 * The vertical transport between processes: {@link io.lianbang.vertical.grpc.GrpcPartyLink}, a
 * {@link io.lianbang.vertical.link.PartyLink} over the versioned gRPC service
 * {@code lianbang.vertical.v1.VerticalTransport} (mutual TLS, party identities from certificates,
 * chunked deliveries bounded before they arrive, deadlines, liveness pings, incarnation nonces
 * against mixing a restarted party's messages with its predecessor's). The service, its
 * statuses and the crash behaviour are documented in docs/protocol.md, "Transport
 * (lianbang.vertical.v1)"; its design follows the job-scoped remote/get federation of FATE
 * (FederatedAI/FATE, fate_arch federation: messages addressed by job id, tag and party).
 */
package io.lianbang.vertical.grpc;
