package io.lianbang.cli;

import static io.lianbang.cli.ServerConfigs.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lianbang.cli.run.Simulator;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Log lines carry their time; {@code --log-format json} turns them into JSON lines. Each process
 * is a client that finds no server and gives up after a second, logging its retries.
 */
class LogFormatTest {
  private static final Pattern TEXT = Pattern.compile("^(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(?:Z|[+-]\\d{2}:\\d{2})) \\[INFO\\] \\S+ - .+");

  private static Cli clientWithoutServer(String... options) throws Exception {
    List<String> args = new java.util.ArrayList<>(List.of(options));
    args.addAll(List.of("client", "--server", "127.0.0.1:" + freePort(), "--name", "lonely", "--model", "logistic:30",
        "--data", "breast-cancer:0/2", "--insecure", "--give-up-after", "1"));
    return Cli.process(60, args.toArray(String[]::new));
  }

  /** Standard error without the command's own error report (its message and, with -v, its stack trace). */
  private static List<String> logLines(Cli c) {
    String err = c.err;
    int report = err.indexOf("lianbang: error:");
    return (report < 0 ? err : err.substring(0, report)).lines().filter(l -> !l.isBlank()).toList();
  }

  @Test
  void textLinesStartWithAnIso8601Timestamp() throws Exception {
    Cli c = clientWithoutServer("-v");
    assertEquals(1, c.exit, c.toString());
    List<String> lines = logLines(c);
    assertFalse(lines.isEmpty(), c.toString());
    for (String line : lines) {
      Matcher m = TEXT.matcher(line);
      assertTrue(m.matches(), "a timestamped line: " + line);
      long ms = OffsetDateTime.parse(m.group(1)).toInstant().toEpochMilli();
      assertTrue(Math.abs(System.currentTimeMillis() - ms) < 3_600_000, line);
    }
  }

  @Test
  void jsonLinesAreOneObjectEach() throws Exception {
    Cli c = clientWithoutServer("--log-format", "json", "-v");
    assertEquals(1, c.exit, c.toString());
    List<String> lines = logLines(c);
    assertFalse(lines.isEmpty(), c.toString());
    ObjectMapper json = new ObjectMapper();
    for (String line : lines) {
      JsonNode n = json.readTree(line);
      assertEquals("INFO", n.get("level").asText(), line);
      assertTrue(n.get("logger").asText().startsWith("io.lianbang."), line);
      assertTrue(n.get("msg").asText().startsWith("lonely: "), line);
      assertTrue(n.has("thread"), line);
      Instant.parse(n.get("ts").asText());
    }
  }

  @Test
  void anUnknownFormatIsNamed() {
    Cli.run(Simulator.standard(), "--log-format", "xml", "demo").assertBadInput("--log-format must be text or json, got 'xml'");
  }
}
