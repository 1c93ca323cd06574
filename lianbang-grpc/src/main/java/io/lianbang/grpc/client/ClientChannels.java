package io.lianbang.grpc.client;

import io.grpc.CallCredentials;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.CompositeChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.lianbang.grpc.tls.ClientTls;

/** Channels to a federation server. */
public final class ClientChannels {
  /** The largest message a client accepts: the protocol's largest chunk plus room for framing. */
  static final int MAX_INBOUND_BYTES = (16 << 20) + (64 << 10);

  private ClientChannels() {}

  /**
   * A channel to {@code target} ("host:port").
   *
   * @param tls the TLS material, or null for plaintext (only when {@code insecure})
   * @param token a bearer token to authenticate with, or null
   * @param insecure allows plaintext (and sending a token over it)
   * @throws IllegalArgumentException if neither TLS nor insecure mode is chosen
   */
  public static ManagedChannel open(String target, ClientTls tls, String token, boolean insecure) {
    if (tls == null && !insecure) {
      throw new IllegalArgumentException("connecting to " + target + " without TLS needs insecure mode: give the server's CA or choose insecure");
    }
    ChannelCredentials creds = tls == null ? InsecureChannelCredentials.create() : tls.credentials();
    if (token != null) {
      CallCredentials call = new BearerToken(token, insecure);
      creds = CompositeChannelCredentials.create(creds, call);
    }
    return Grpc.newChannelBuilder(target, creds).maxInboundMessageSize(MAX_INBOUND_BYTES).build();
  }

  /**
   * {@code channel} with every call authenticated by the bearer {@code token}, for clients of
   * different identities that share one connection (HTTP/2 multiplexes their calls): each
   * {@link FederationClient} gets its own view of the shared channel. The caller still owns
   * {@code channel}.
   *
   * @param allowPlaintext sends the token over a plaintext connection too (loopback, trusted
   *     networks); otherwise such calls fail with {@code UNAUTHENTICATED} before anything is sent
   */
  public static Channel withToken(Channel channel, String token, boolean allowPlaintext) {
    CallCredentials credentials = new BearerToken(java.util.Objects.requireNonNull(token, "token"), allowPlaintext);
    return ClientInterceptors.intercept(channel, new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return next.newCall(method, options.withCallCredentials(credentials));
      }
    });
  }
}
