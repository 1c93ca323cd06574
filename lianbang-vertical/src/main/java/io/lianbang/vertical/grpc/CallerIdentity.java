package io.lianbang.vertical.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.lianbang.grpc.tls.CertificateNames;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Set;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Establishes which party is calling before any handler runs: the one common name (CN) of the
 * caller's verified client certificate, which must be one of the configured peers. Otherwise the
 * call is refused with {@link TransportRefusal#UNAUTHENTICATED} or {@link TransportRefusal#NOT_A_PEER}.
 */
final class CallerIdentity implements ServerInterceptor {
  /** The calling party of the current call. */
  static final Context.Key<String> PARTY = Context.key("lianbang-vertical-party");

  private final String self;
  private final Set<String> peers;
  private final RateLimitedLog warnings;

  CallerIdentity(String self, Set<String> peers, RateLimitedLog warnings) {
    this.self = self;
    this.peers = Set.copyOf(peers);
    this.warnings = warnings;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String party;
    try {
      party = commonName(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
    } catch (IllegalStateException e) {
      return refuse(call, TransportRefusal.UNAUTHENTICATED.refusal(e.getMessage()), "unauthenticated");
    }
    if (!peers.contains(party)) {
      String shown = GrpcPartyLink.printable(party);
      return refuse(call, TransportRefusal.NOT_A_PEER.refusal("party '" + shown + "' (the CN of the client certificate) is not a peer of "
          + self + "; its peers are " + peers.stream().sorted().toList(), "certificate CN", shown), "not a peer " + shown);
    }
    return Contexts.interceptCall(Context.current().withValue(PARTY, party), call, headers, next);
  }

  private <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, StatusRuntimeException refusal, String key) {
    warnings.warn(key, self + " refused a " + call.getMethodDescriptor().getBareMethodName() + " call from "
        + call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR) + ": " + refusal.getStatus().getDescription());
    call.close(refusal.getStatus(), refusal.getTrailers());
    return new ServerCall.Listener<>() {};
  }

  private static String commonName(SSLSession tls) {
    if (tls == null) throw new IllegalStateException("the call is not over TLS: a client certificate is required");
    try {
      Certificate[] chain = tls.getPeerCertificates();
      if (chain.length > 0 && chain[0] instanceof X509Certificate x) return CertificateNames.commonName(x);
    } catch (SSLPeerUnverifiedException e) {
      // falls through
    }
    throw new IllegalStateException("no verified client certificate: every party must present its certificate");
  }
}
