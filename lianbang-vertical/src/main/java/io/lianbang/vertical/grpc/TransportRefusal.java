package io.lianbang.vertical.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.Optional;

/**
 * Why a party refused a call of the vertical transport ({@code lianbang.vertical.v1}). Every
 * refusal carries a {@code google.rpc.ErrorInfo} with domain {@link #DOMAIN}, this name as its
 * reason and, where one field is at fault, metadata {@code field} and {@code value}, next to the
 * status code fixed per reason and a description for people. Part of the protocol
 * (docs/protocol.md, "Transport (lianbang.vertical.v1)").
 */
public enum TransportRefusal {
  /** No usable client certificate: none, or one with no or several common names. */
  UNAUTHENTICATED(Status.Code.UNAUTHENTICATED),
  /** The caller's certificate names a party that is not one of the callee's peers. */
  NOT_A_PEER(Status.Code.PERMISSION_DENIED),
  /** The call names another run than the callee's ({@code run_id}). */
  WRONG_RUN(Status.Code.FAILED_PRECONDITION),
  /** The caller is a new incarnation of a peer the callee already exchanged messages with. */
  PEER_RESTARTED(Status.Code.FAILED_PRECONDITION),
  /** The message is addressed to an earlier incarnation of the callee ({@code receiver_incarnation}). */
  STALE_INCARNATION(Status.Code.FAILED_PRECONDITION),
  /** The callee already declared the caller lost; the run cannot continue with it. */
  PEER_LOST(Status.Code.FAILED_PRECONDITION),
  /** A header field out of bounds: tag length, a negative size, a missing or overlong incarnation. */
  INVALID_HEADER(Status.Code.INVALID_ARGUMENT),
  /** The announced {@code total_bytes} exceeds the callee's maxMessageBytes. */
  TOO_LARGE(Status.Code.RESOURCE_EXHAUSTED),
  /** Parts out of order or not adding up: a chunk before the header, a second header, more or fewer bytes than announced. */
  PROTOCOL_VIOLATION(Status.Code.INVALID_ARGUMENT),
  /** The callee's mailbox refused the message: a tag already used, or too many messages queued. */
  MAILBOX_REFUSED(Status.Code.FAILED_PRECONDITION),
  /** A delivery that did not finish within the callee's sendDeadline. */
  TOO_SLOW(Status.Code.DEADLINE_EXCEEDED),
  /** The callee is closing. */
  CLOSING(Status.Code.UNAVAILABLE);

  /** The {@code ErrorInfo.domain} of every Lianbang refusal. */
  public static final String DOMAIN = "lianbang.io";

  private final Status.Code code;

  TransportRefusal(Status.Code code) {
    this.code = code;
  }

  /** The gRPC status code of a refusal for this reason. */
  public Status.Code code() {
    return code;
  }

  /** A refusal for this reason with {@code description}. */
  public StatusRuntimeException refusal(String description) {
    return refusal(description, null, null);
  }

  /** A refusal for this reason with {@code description}, naming the {@code field} at fault and its {@code value}. */
  public StatusRuntimeException refusal(String description, String field, String value) {
    ErrorInfo.Builder info = ErrorInfo.newBuilder().setDomain(DOMAIN).setReason(name());
    if (field != null) info.putMetadata("field", field).putMetadata("value", value == null ? "" : value);
    com.google.rpc.Status status = com.google.rpc.Status.newBuilder().setCode(code.value()).setMessage(description)
        .addDetails(Any.pack(info.build())).build();
    return StatusProto.toStatusRuntimeException(status);
  }

  /** The refusal reason {@code t} carries, or empty (a transport failure, a deadline, another server). */
  public static Optional<TransportRefusal> of(Throwable t) {
    return info(t).flatMap(i -> {
      for (TransportRefusal r : values()) if (r.name().equals(i.getReason())) return Optional.of(r);
      return Optional.empty();
    });
  }

  /** The {@code field} metadata of the refusal {@code t}, or empty. */
  public static Optional<String> field(Throwable t) {
    return info(t).map(i -> i.getMetadataMap().get("field"));
  }

  private static Optional<ErrorInfo> info(Throwable t) {
    com.google.rpc.Status status = StatusProto.fromThrowable(t);
    if (status == null) return Optional.empty();
    for (Any detail : status.getDetailsList()) {
      if (!detail.is(ErrorInfo.class)) continue;
      try {
        ErrorInfo info = detail.unpack(ErrorInfo.class);
        if (DOMAIN.equals(info.getDomain())) return Optional.of(info);
      } catch (InvalidProtocolBufferException e) {
        // not an ErrorInfo after all: no reason
      }
    }
    return Optional.empty();
  }
}
