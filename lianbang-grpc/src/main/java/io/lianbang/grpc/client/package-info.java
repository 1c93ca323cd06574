/**
 * The client side: {@link io.lianbang.grpc.client.FederationClient} serves any
 * {@link io.lianbang.core.client.Client} to a remote server, with deadlines on every call and
 * bounded reconnection.
 */
package io.lianbang.grpc.client;
