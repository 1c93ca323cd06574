package io.lianbang.grpc.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Traditional OpenSSL keys read without BouncyCastle. The fixtures are throw-away test keys made
 * with OpenSSL: {@code genrsa -traditional}, {@code ecparam -name prime256v1 -genkey} (SEC 1 after
 * an EC PARAMETERS block), their {@code pkcs8 -topk8 -nocrypt} forms as the reference, an
 * encrypted PKCS#8 key, and a self-signed certificate for the EC key ({@code req -x509}).
 */
class PrivateKeyPemTest {
  @TempDir Path dir;

  @Test
  void aPkcs1RsaKeyIsTheKeyOpensslConvertsToPkcs8() throws Exception {
    KeyFactory rsa = KeyFactory.getInstance("RSA");
    assertEquals(rsa.generatePrivate(new PKCS8EncodedKeySpec(der(fixture("rsa-pkcs8.pem")))),
        rsa.generatePrivate(new PKCS8EncodedKeySpec(PrivateKeyPem.pkcs8(fixture("rsa-pkcs1.pem")))));
    assertArrayEquals(der(fixture("rsa-pkcs8.pem")), PrivateKeyPem.pkcs8(fixture("rsa-pkcs1.pem")), "the same PKCS#8 bytes as OpenSSL's");
    assertArrayEquals(der(fixture("rsa-pkcs8.pem")), PrivateKeyPem.pkcs8(fixture("rsa-pkcs8.pem")), "PKCS#8 as it is");
  }

  @Test
  void aSec1EcKeyIsTheKeyOpensslConvertsToPkcs8() throws Exception {
    KeyFactory ec = KeyFactory.getInstance("EC");
    ECPrivateKey reference = (ECPrivateKey) ec.generatePrivate(new PKCS8EncodedKeySpec(der(fixture("ec-pkcs8.pem"))));
    ECPrivateKey read = (ECPrivateKey) ec.generatePrivate(new PKCS8EncodedKeySpec(PrivateKeyPem.pkcs8(fixture("ec-sec1.pem"))));
    assertEquals(reference.getS(), read.getS());
    assertEquals(reference.getParams().getOrder(), read.getParams().getOrder());
    assertEquals(reference.getParams().getGenerator(), read.getParams().getGenerator());
  }

  @Test
  void anEncryptedOrMissingKeyIsRefusedNamingTheFile() {
    Path encrypted = fixture("ec-encrypted.pem");
    IOException e = assertThrows(IOException.class, () -> PrivateKeyPem.pkcs8(encrypted));
    assertTrue(e.getMessage().contains(encrypted.toString()) && e.getMessage().contains("encrypted"), e.getMessage());
    Path cert = fixture("ec-cert.pem");
    e = assertThrows(IOException.class, () -> PrivateKeyPem.pkcs8(cert));
    assertTrue(e.getMessage().contains("holds no unencrypted PEM private key"), e.getMessage());
  }

  @Test
  void aTruncatedSec1KeyIsRefusedNamingTheFile() throws IOException {
    byte[] sec1 = der(fixture("ec-sec1.pem"), "EC PRIVATE KEY");
    Path truncated = dir.resolve("truncated.pem");
    Files.writeString(truncated, PrivateKeyPem.pem("EC PRIVATE KEY", Arrays.copyOf(sec1, sec1.length / 2)));
    IOException e = assertThrows(IOException.class, () -> PrivateKeyPem.pkcs8(truncated));
    assertTrue(e.getMessage().startsWith("EC private key " + truncated + " cannot be parsed"), e.getMessage());
  }

  @Test
  void aServerWithASec1KeyCompletesATlsHandshake() throws Exception {
    Server server = Grpc.newServerBuilderForPort(0, new ServerTls(fixture("ec-cert.pem"), fixture("ec-sec1.pem"), null).credentials())
        .build().start();
    ManagedChannel channel = Grpc.newChannelBuilderForAddress("localhost", server.getPort(),
        new ClientTls(fixture("ec-cert.pem"), null, null).credentials()).build();
    try {
      MethodDescriptor<InputStream, InputStream> unknown = MethodDescriptor.<InputStream, InputStream>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("test/Unknown")
          .setRequestMarshaller(new Bytes()).setResponseMarshaller(new Bytes()).build();
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(channel, unknown,
          CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS), new ByteArrayInputStream(new byte[0])));
      assertEquals(Status.Code.UNIMPLEMENTED, e.getStatus().getCode(), "the call got through TLS to the server: " + e.getStatus());
    } finally {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aKeyOfAnotherCertificateIsStillRefused() {
    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> new ServerTls(fixture("ec-cert.pem"), fixture("rsa-pkcs1.pem"), null).credentials());
    assertTrue(e.getMessage().contains("does not match the certificate"), e.getMessage());
  }

  private static final class Bytes implements MethodDescriptor.Marshaller<InputStream> {
    @Override
    public InputStream stream(InputStream value) {
      return value;
    }

    @Override
    public InputStream parse(InputStream stream) {
      return stream;
    }
  }

  private static Path fixture(String name) {
    try {
      return Path.of(PrivateKeyPemTest.class.getResource(name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] der(Path pem) throws IOException {
    return der(pem, "PRIVATE KEY");
  }

  private static byte[] der(Path pem, String type) throws IOException {
    String s = Files.readString(pem);
    String begin = "-----BEGIN " + type + "-----";
    int from = s.indexOf(begin) + begin.length();
    return Base64.getMimeDecoder().decode(s.substring(from, s.indexOf("-----END " + type + "-----")));
  }
}
