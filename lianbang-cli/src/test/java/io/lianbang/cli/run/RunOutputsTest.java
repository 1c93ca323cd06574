package io.lianbang.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.cli.Histories;
import io.lianbang.cli.config.ConfigLoader;
import io.lianbang.cli.config.ServerSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunOutputsTest {
  @TempDir Path dir;

  @Test
  void aServerHistoryKeepsTheBearerTokensOut() throws Exception {
    ServerSpec c = ConfigLoader.loadServer(null, List.of("model=logistic:30", "tokens.hospital-a=s3cret-token-of-hospital-a",
        "output=" + dir.resolve("out")));
    List<Path> written = RunOutputs.writeServerResults(dir.resolve("out"), c, Map.of("java_version", "17"), Histories.sample(3), 1.5);

    assertEquals(List.of(dir.resolve("out/history.csv"), dir.resolve("out/history.json")), written);
    String json = Files.readString(written.get(1));
    assertTrue(json.contains("\"model\" : \"logistic:30\"") && json.contains("\"rounds_completed\" : 3"), json);
    assertFalse(json.contains("s3cret") || json.contains("\"tokens\""), json);
    assertEquals(5, Files.readAllLines(written.get(0)).size(), "header, round 0 and three rounds");
  }
}
