/**
 * The server side: {@link io.lianbang.grpc.server.FederationServer} accepts remote clients and
 * exposes them to the unchanged {@link io.lianbang.core.federation.Federation} as a
 * {@link io.lianbang.core.federation.ClientPool} of {@link io.lianbang.core.client.ClientProxy}s.
 */
package io.lianbang.grpc.server;
