package io.lianbang.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A configuration's fingerprint: the SHA-256 of its canonical YAML text (UTF-8), in lower-case hex. */
public final class ConfigFingerprint {
  private ConfigFingerprint() {}

  /** The SHA-256 of {@code yaml} encoded as UTF-8, as 64 hex digits. */
  public static String of(String yaml) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(yaml.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
