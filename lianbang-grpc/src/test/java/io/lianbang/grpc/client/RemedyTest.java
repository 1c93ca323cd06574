package io.lianbang.grpc.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.lianbang.grpc.RefusalReason;
import org.junit.jupiter.api.Test;

/** The client decides from the refusal's ErrorInfo reason, whatever the description says. */
class RemedyTest {
  /** A status built by hand as the protocol specifies it: code, description, ErrorInfo{domain, reason}. */
  private static StatusRuntimeException refusal(Status.Code code, String description, String domain, String reason) {
    return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder().setCode(code.value()).setMessage(description)
        .addDetails(Any.pack(ErrorInfo.newBuilder().setDomain(domain).setReason(reason).build())).build());
  }

  private static StatusRuntimeException plain(Status.Code code, String description) {
    return Status.fromCode(code).withDescription(description).asRuntimeException();
  }

  @Test
  void theReasonDecidesNotTheDescription() {
    assertEquals(Remedy.REGISTER_AGAIN, Remedy.of(refusal(Status.Code.NOT_FOUND, "la session est inconnue", "lianbang.io", "UNKNOWN_SESSION"), false));
    assertEquals(Remedy.REGISTER_AGAIN, Remedy.of(refusal(Status.Code.NOT_FOUND, "", "lianbang.io", "UNKNOWN_SESSION"), false));
    // The old description text without the reason no longer re-registers: it is an unknown task or similar.
    assertEquals(Remedy.DROP_RESULT, Remedy.of(plain(Status.Code.NOT_FOUND, "unknown session 'abc': register again"), false));
    assertEquals(Remedy.DROP_RESULT, Remedy.of(refusal(Status.Code.NOT_FOUND, "unknown session 'abc'", "lianbang.io", "UNKNOWN_TASK"), false));
    assertEquals(Remedy.STOP, Remedy.of(refusal(Status.Code.ABORTED, "unknown session 'abc'", "lianbang.io", "SESSION_REPLACED"), false));
    assertEquals(Remedy.STOP, Remedy.of(refusal(Status.Code.PERMISSION_DENIED, "whatever", "lianbang.io", "FOREIGN_SESSION"), false));
    // A forged SecAgg sender is PERMISSION_DENIED too, but the reason says it concerns the answer only.
    assertEquals(Remedy.DROP_RESULT, Remedy.of(refusal(Status.Code.PERMISSION_DENIED, "whatever", "lianbang.io", "SECAGG_FORGED_SENDER"), false));
    assertEquals(Remedy.RETRY, Remedy.of(refusal(Status.Code.UNAVAILABLE, "bye", "lianbang.io", "SERVER_SHUTTING_DOWN"), false));
    assertEquals(Remedy.RETRY, Remedy.of(refusal(Status.Code.RESOURCE_EXHAUSTED, "", "lianbang.io", "TOO_MANY_DOWNLOADS"), false));
  }

  @Test
  void aRefusedRegistrationCannotBeDroppedAndStops() {
    assertEquals(Remedy.STOP, Remedy.of(refusal(Status.Code.FAILED_PRECONDITION, "x", "lianbang.io", "LAYOUT_MISMATCH"), true));
    assertEquals(Remedy.STOP, Remedy.of(refusal(Status.Code.INVALID_ARGUMENT, "x", "lianbang.io", "MALFORMED_MESSAGE"), true));
    assertEquals(Remedy.DROP_RESULT, Remedy.of(refusal(Status.Code.FAILED_PRECONDITION, "x", "lianbang.io", "TASK_CLOSED"), false));
    assertEquals(Remedy.RETRY, Remedy.of(plain(Status.Code.UNAVAILABLE, "connection refused"), true));
  }

  @Test
  void withoutALianbangReasonTheCodeDecides() {
    assertEquals(Remedy.STOP, Remedy.of(plain(Status.Code.UNAUTHENTICATED, null), false));
    assertEquals(Remedy.STOP, Remedy.of(plain(Status.Code.UNIMPLEMENTED, "unknown method"), false));
    assertEquals(Remedy.RETRY, Remedy.of(plain(Status.Code.DEADLINE_EXCEEDED, null), false));
    assertEquals(Remedy.RETRY, Remedy.of(plain(Status.Code.RESOURCE_EXHAUSTED, "message too large"), false));
    // Another domain's ErrorInfo, or a reason this version does not know, is no Lianbang reason.
    assertEquals(Remedy.DROP_RESULT, Remedy.of(refusal(Status.Code.NOT_FOUND, "x", "example.com", "UNKNOWN_SESSION"), false));
    assertEquals(Remedy.DROP_RESULT, Remedy.of(refusal(Status.Code.NOT_FOUND, "x", "lianbang.io", "SOMETHING_NEW"), false));
  }

  @Test
  void everyReasonTravelsAsErrorInfoWithItsCode() throws Exception {
    for (RefusalReason r : RefusalReason.values()) {
      StatusRuntimeException e = r.refusal("description of " + r);
      assertEquals(r.code(), e.getStatus().getCode(), r.name());
      assertEquals("description of " + r, e.getStatus().getDescription());
      ErrorInfo info = StatusProto.fromThrowable(e).getDetails(0).unpack(ErrorInfo.class);
      assertEquals("lianbang.io", info.getDomain());
      assertEquals(r.name(), info.getReason());
      assertEquals(r, RefusalReason.of(e).orElseThrow());
    }
  }
}
