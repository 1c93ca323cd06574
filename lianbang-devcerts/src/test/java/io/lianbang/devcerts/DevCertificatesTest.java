package io.lianbang.devcerts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DevCertificates#generate} writes into a directory without its files and never overwrites one. */
class DevCertificatesTest {
  @TempDir Path certs;

  @Test
  void generateRefusesToOverwrite() throws Exception {
    DevCertificates.generate(certs, List.of("localhost"), List.of("alice"), Duration.ofDays(1));
    byte[] ca = Files.readAllBytes(certs.resolve("ca.pem"));
    byte[] key = Files.readAllBytes(certs.resolve("client-alice-key.pem"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DevCertificates.generate(certs, List.of("x"), List.of("alice"), Duration.ofDays(1)), "refuses to overwrite");
    assertTrue(e.getMessage().contains(certs.resolve("ca.pem") + " already exists"), e.getMessage());
    assertArrayEquals(ca, Files.readAllBytes(certs.resolve("ca.pem")));
    assertArrayEquals(key, Files.readAllBytes(certs.resolve("client-alice-key.pem")));
  }
}
