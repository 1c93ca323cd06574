package io.lianbang.grpc.client;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.SecurityLevel;
import io.grpc.Status;
import java.util.concurrent.Executor;

/** Sends a bearer token in the {@code authorization} header; refuses to send it over plaintext unless allowed. */
final class BearerToken extends CallCredentials {
  private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private final String token;
  private final boolean allowPlaintext;

  BearerToken(String token, boolean allowPlaintext) {
    this.token = token;
    this.allowPlaintext = allowPlaintext;
  }

  @Override
  public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
    if (info.getSecurityLevel() != SecurityLevel.PRIVACY_AND_INTEGRITY && !allowPlaintext) {
      applier.fail(Status.UNAUTHENTICATED.withDescription("refusing to send the bearer token over a plaintext connection"));
      return;
    }
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + token);
    applier.apply(headers);
  }
}
