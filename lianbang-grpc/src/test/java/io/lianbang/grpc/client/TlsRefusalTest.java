package io.lianbang.grpc.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/**
 * docs/protocol.md, "Statuses": the TLS alerts about certificates ({@code certificate_required},
 * {@code bad_certificate}, {@code unknown_ca}, {@code certificate_expired}) and a server
 * certificate the client cannot verify are recognised in an {@code UNAVAILABLE} status, so the
 * client stops; {@code internal_error} and other failures are not, so the client retries.
 */
class TlsRefusalTest {
  private static StatusRuntimeException unavailable(Throwable cause) {
    return Status.UNAVAILABLE.withDescription("io exception").withCause(cause).asRuntimeException();
  }

  @Test
  void certificateAlertsAreRecognisedWhereverTheEngineWordsThem() {
    for (String alert : new String[] {"certificate_required", "bad_certificate", "unknown_ca", "certificate_expired"}) {
      String message = "Received fatal alert: " + alert;
      assertEquals(message, TlsRefusal.describe(unavailable(new SSLHandshakeException(message))), alert);
    }
    // BoringSSL's wording, upper case with spaces
    assertEquals("error:10000418:SSL routines:OPENSSL_internal:TLSV1_ALERT_UNKNOWN_CA", TlsRefusal.describe(unavailable(
        new SSLHandshakeException("error:10000418:SSL routines:OPENSSL_internal:TLSV1_ALERT_UNKNOWN_CA"))));
    // a general handshake failure whose cause is the failed verification of the server's certificate
    SSLHandshakeException general = new SSLHandshakeException("General OpenSslEngine problem");
    general.initCause(new CertificateException("PKIX path validation failed: Path does not chain with any of the trust anchors"));
    assertEquals("PKIX path validation failed: Path does not chain with any of the trust anchors", TlsRefusal.describe(unavailable(general)));
  }

  @Test
  void otherFailuresAreNotCertificateRefusals() {
    assertNull(TlsRefusal.describe(unavailable(new SSLHandshakeException("Received fatal alert: internal_error"))));
    assertNull(TlsRefusal.describe(unavailable(new java.net.ConnectException("Connection refused"))));
    // certificate words outside a TLS failure are not a handshake refusal
    assertNull(TlsRefusal.describe(unavailable(new IllegalStateException("unknown_ca"))));
  }
}
