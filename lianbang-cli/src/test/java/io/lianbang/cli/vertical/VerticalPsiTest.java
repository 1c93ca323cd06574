package io.lianbang.cli.vertical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.grpc.process.JavaProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code lianbang vertical psi} between two processes writes exactly the common ids, ascending, on both sides. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class VerticalPsiTest {
  @TempDir Path dir;

  @Test
  void bothSidesWriteTheExactIntersection() throws Exception {
    Path certs = VerticalFixture.certificates(dir.resolve("certs"), List.of("guest", "host"));
    Path hostFile = VerticalFixture.hostRows(dir, r -> r % 5 != 0);
    Map<String, String> parties = new LinkedHashMap<>();
    parties.put("guest", "guest:" + VerticalFixture.BREAST_GUEST);
    parties.put("host", "host:" + hostFile);
    parties.put("arbiter", "arbiter");
    Path config = VerticalFixture.config(dir, certs, "hetero_lr", parties, "psi: {batch_size: 100, threads: 1}\n");
    Map<String, JavaProcess> ps = new LinkedHashMap<>();
    try {
      for (String role : List.of("host", "guest")) {
        ps.put(role, VerticalFixture.start(dir.resolve(role + ".log"), "psi", "--role", role, "-c", config.toString()));
      }
      for (Map.Entry<String, JavaProcess> e : ps.entrySet()) {
        assertEquals(0, e.getValue().waitFor(Duration.ofSeconds(90)), e.getKey() + ":\n" + String.join("\n", e.getValue().output()));
      }
    } finally {
      ps.values().forEach(JavaProcess::close);
    }
    List<String> expected = VerticalFixture.common(VerticalFixture.BREAST_GUEST, hostFile);
    assertEquals(569 - 114, expected.size());
    assertEquals(expected, Files.readAllLines(dir.resolve("out/guest/intersection.txt")));
    assertEquals(expected, Files.readAllLines(dir.resolve("out/host/intersection.txt")));
    assertTrue(ps.get("guest").output().stream().anyMatch(l -> l.startsWith("guest: intersection of 455 ids written to ")),
        String.join("\n", ps.get("guest").output()));
  }
}
