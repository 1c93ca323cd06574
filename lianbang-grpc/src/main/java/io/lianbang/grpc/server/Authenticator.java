package io.lianbang.grpc.server;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.lianbang.grpc.RefusalReason;
import io.lianbang.grpc.tls.CertificateNames;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Establishes who is calling, before any handler runs: the common name (CN) of a verified client
 * certificate (mutual TLS), or else the owner of the bearer token in the {@code authorization}
 * header, or else, when the server accepts anonymous clients, nobody yet (the client then names
 * itself in Register). An identity outside a non-empty allow-list is refused with
 * {@code PERMISSION_DENIED}; a call without acceptable credentials with {@code UNAUTHENTICATED},
 * as is a certificate with more than one CN (its identity would be ambiguous).
 */
final class Authenticator implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(Authenticator.class);
  /** The authenticated identity of the current call, or null for an anonymous caller. */
  static final Context.Key<String> IDENTITY = Context.key("lianbang-client-identity");
  static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final Set<String> allowed;
  /** Token owners by the SHA-256 digest of the token (hex): one lookup per call, however many tokens. */
  private final Map<String, String> ownerByDigest;
  private final boolean allowAnonymous;

  /**
   * @param allowed identities allowed to take part; empty allows any authenticated identity
   * @param tokens bearer tokens and the identity each one authenticates
   * @param allowAnonymous whether callers without certificate or token may register by name
   */
  Authenticator(Set<String> allowed, Map<String, String> tokens, boolean allowAnonymous) {
    this.allowed = Set.copyOf(allowed);
    Map<String, String> byDigest = new HashMap<>();
    for (Map.Entry<String, String> t : tokens.entrySet()) byDigest.put(digest(t.getKey().getBytes(StandardCharsets.UTF_8)), t.getValue());
    this.ownerByDigest = Map.copyOf(byDigest);
    this.allowAnonymous = allowAnonymous;
  }

  boolean allows(String identity) {
    return allowed.isEmpty() || allowed.contains(identity);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String identity;
    try {
      identity = identify(call, headers);
    } catch (IllegalStateException e) {
      log.warn("refused a call to {} from {}: {}", call.getMethodDescriptor().getBareMethodName(),
          call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR), e.getMessage());
      close(call, RefusalReason.UNAUTHENTICATED.refusal(e.getMessage()));
      return new ServerCall.Listener<>() {};
    }
    if (identity != null && !allows(identity)) {
      String why = "client identity '" + identity + "' is not in the server's allow-list";
      log.warn("refused a call to {}: {}", call.getMethodDescriptor().getBareMethodName(), why);
      close(call, RefusalReason.NOT_ALLOWED.refusal(why));
      return new ServerCall.Listener<>() {};
    }
    return Contexts.interceptCall(Context.current().withValue(IDENTITY, identity), call, headers, next);
  }

  private static void close(ServerCall<?, ?> call, StatusRuntimeException refusal) {
    call.close(refusal.getStatus(), refusal.getTrailers());
  }

  private String identify(ServerCall<?, ?> call, Metadata headers) {
    SSLSession tls = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    if (tls != null) {
      try {
        Certificate[] chain = tls.getPeerCertificates();
        if (chain.length > 0 && chain[0] instanceof X509Certificate x) return commonName(x);
      } catch (SSLPeerUnverifiedException e) {
        // no client certificate: fall through to tokens
      }
    }
    String header = headers.get(AUTHORIZATION);
    if (header != null) {
      if (!header.startsWith("Bearer ")) throw new IllegalStateException("the authorization header is not a bearer token");
      String owner = owner(header.substring(7).trim());
      if (owner == null) throw new IllegalStateException("the bearer token is not known to this server");
      return owner;
    }
    if (allowAnonymous) return null;
    throw new IllegalStateException("no client certificate or bearer token: this server requires client authentication");
  }

  /**
   * The identity a bearer token authenticates, or null for an unknown token. The token is looked
   * up by its SHA-256 digest, so the cost of a call does not grow with the number of tokens (a scan
   * comparing every token made each call O(tokens): quadratic in the clients of a large
   * deployment), and what the lookup's timing can reveal is about the digest, from which no token
   * can be recovered, not about the token itself.
   */
  String owner(String token) {
    return ownerByDigest.get(digest(token.getBytes(StandardCharsets.UTF_8)));
  }

  private static String digest(byte[] token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e); // every Java platform must provide it
    }
  }

  /**
   * The certificate's one common name.
   *
   * @throws IllegalStateException if the subject has no common name or more than one (which one
   *     would be the identity is ambiguous), or cannot be parsed
   */
  static String commonName(X509Certificate cert) {
    return CertificateNames.commonName(cert);
  }

}
