package io.lianbang.grpc.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the first unencrypted private key of a PEM file as PKCS#8, with the JDK alone: a PKCS#8
 * key ({@code PRIVATE KEY}) as it is, and a traditional OpenSSL key ({@code RSA PRIVATE KEY},
 * PKCS#1; {@code EC PRIVATE KEY}, SEC 1 with its named curve) wrapped in the PKCS#8 structure
 * (RFC 5208) that names its algorithm. Other blocks (certificates, {@code EC PARAMETERS}) are
 * skipped.
 */
final class PrivateKeyPem {
  /** Larger files are refused: a key file is a few kilobytes. */
  static final long MAX_FILE_BYTES = 1 << 20;

  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----\\R(.*?)-----END \\1-----", Pattern.DOTALL);
  /** DER of AlgorithmIdentifier { rsaEncryption, NULL }. */
  private static final byte[] RSA_ALGORITHM = {
    0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00
  };
  /** DER of the OID id-ecPublicKey (1.2.840.10045.2.1). */
  private static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

  private PrivateKeyPem() {}

  /**
   * The PKCS#8 DER encoding of the first private key in {@code file}.
   *
   * @throws IOException naming the file if it cannot be read, holds no unencrypted private key, or
   *     the key cannot be parsed
   */
  static byte[] pkcs8(Path file) throws IOException {
    if (Files.size(file) > MAX_FILE_BYTES) {
      throw new IOException("private key " + file + " is " + Files.size(file) + " bytes, more than a key file (" + MAX_FILE_BYTES + ")");
    }
    Matcher m = BLOCK.matcher(Files.readString(file, StandardCharsets.ISO_8859_1));
    while (m.find()) {
      String type = m.group(1);
      if (!type.endsWith("PRIVATE KEY")) continue;
      if (type.equals("ENCRYPTED PRIVATE KEY") || m.group(2).contains("ENCRYPTED")) {
        throw new IOException("private key " + file + " is encrypted: decrypt it, e.g. openssl pkcs8 -topk8 -nocrypt");
      }
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(m.group(2));
      } catch (IllegalArgumentException e) {
        throw new IOException("private key " + file + " cannot be parsed: " + e.getMessage(), e);
      }
      switch (type) {
        case "PRIVATE KEY":
          return der;
        case "RSA PRIVATE KEY":
          return sequence(new byte[] {0x02, 0x01, 0x00}, RSA_ALGORITHM, tlv(0x04, der));
        case "EC PRIVATE KEY":
          return sequence(new byte[] {0x02, 0x01, 0x00}, sequence(EC_PUBLIC_KEY, curve(der, file)), tlv(0x04, der));
        default:
          throw new IOException("private key " + file + " is a '" + type + "', which cannot be read: convert it to PKCS#8");
      }
    }
    throw new IOException("private key " + file + " holds no unencrypted PEM private key");
  }

  /** The named-curve OID (its DER) in the parameters [0] of a SEC 1 ECPrivateKey. */
  private static byte[] curve(byte[] sec1, Path file) throws IOException {
    try {
      int[] outer = header(sec1, 0);
      if (sec1[0] != 0x30) throw new IOException("not a SEQUENCE");
      int end = outer[0] + outer[1];
      if (end != sec1.length) throw new IOException("length " + end + " is not the file's " + sec1.length);
      for (int at = outer[0]; at < end; ) {
        int[] h = header(sec1, at);
        if ((sec1[at] & 0xff) == 0xa0) {
          if (sec1[h[0]] != 0x06) throw new IOException("the curve is not named by an OID");
          int[] oid = header(sec1, h[0]);
          return Arrays.copyOfRange(sec1, h[0], oid[0] + oid[1]);
        }
        at = h[0] + h[1];
      }
      throw new IOException("it names no curve");
    } catch (IOException | IndexOutOfBoundsException e) {
      throw new IOException("EC private key " + file + " cannot be parsed: " + e.getMessage(), e);
    }
  }

  /** {start of the contents, their length} of the DER element at {@code at}. */
  private static int[] header(byte[] der, int at) throws IOException {
    int first = der[at + 1] & 0xff;
    if (first < 0x80) return new int[] {at + 2, first};
    int n = first & 0x7f;
    if (n == 0 || n > 3) throw new IOException("unsupported DER length at byte " + at);
    int length = 0;
    for (int i = 0; i < n; i++) length = (length << 8) | (der[at + 2 + i] & 0xff);
    if (at + 2 + n + length > der.length) throw new IOException("DER element at byte " + at + " runs past the end");
    return new int[] {at + 2 + n, length};
  }

  private static byte[] sequence(byte[]... parts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] p : parts) b.writeBytes(p);
    return tlv(0x30, b.toByteArray());
  }

  private static byte[] tlv(int tag, byte[] contents) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(tag);
    int n = contents.length;
    if (n < 0x80) {
      b.write(n);
    } else if (n < 0x100) {
      b.write(0x81);
      b.write(n);
    } else if (n < 0x10000) {
      b.write(0x82);
      b.write(n >> 8);
      b.write(n);
    } else {
      b.write(0x83);
      b.write(n >> 16);
      b.write(n >> 8);
      b.write(n);
    }
    b.writeBytes(contents);
    return b.toByteArray();
  }

  /** PEM text of a DER value. */
  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
