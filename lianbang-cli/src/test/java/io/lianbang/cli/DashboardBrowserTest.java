package io.lianbang.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.lianbang.cli.run.Simulator;
import io.lianbang.core.federation.RoundListener;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.engine.data.Standardizer;
import io.lianbang.sim.SimulationResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import picocli.CommandLine;

/**
 * {@code simulate --dashboard 0} in headless Chromium (Debian's {@code chromium} and {@code
 * chromedriver}, driven by Selenium): the round shown advances live as the simulation's rounds
 * complete, and the clients table fills. Each round waits (at most {@value #ROUND_WAIT_SECONDS} s)
 * until the page has shown it, so the test does not depend on how fast the browser or the training
 * is. Saves {@code target/dashboard.png}.
 */
class DashboardBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final int ROUNDS = 6;
  private static final int ROUND_WAIT_SECONDS = 30;
  private static final Pattern URL = Pattern.compile("dashboard  (http://127\\.0\\.0\\.1:\\d+/)");

  @TempDir
  Path tmp;

  /** The highest round the page has shown; each round of the simulation waits for it. */
  private volatile int shown = -1;

  @Test
  void theDashboardShowsALiveSimulationsRoundsAndClients() throws Exception {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      fail("the browser test needs Debian's Chromium and its driver (" + CHROMIUM + ", " + CHROMEDRIVER
          + "): apt-get install -y chromium chromium-driver (.ci/run installs them if missing)");
    }
    Path config = Files.writeString(tmp.resolve("c.yaml"), String.join("\n",
        "name: dashboard", "seed: 1", "rounds: " + ROUNDS, "model: logistic:30", "threads: 1",
        "dataset: {name: breast-cancer, test_fraction: 0.2, normalize: standard}",
        "partition: {kind: iid, num_clients: 4}",
        "strategy: {name: fedavg, clients_per_round: 3}",
        "training: {local_epochs: 1, batch_size: 16, optimizer: sgd, learning_rate: 0.1}", ""));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = Main.newCommandLine(new Main(paced(Simulator.standard())));
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    ExecutorService thread = Executors.newSingleThreadExecutor();
    Future<Integer> run = thread.submit(() -> cmd.execute("simulate", "--config", config.toString(), "--output",
        tmp.resolve("run").toString(), "--no-store", "--no-chart", "--dashboard", "0"));
    WebDriver browser = null;
    ChromeDriverService service = null;
    try {
      String url = awaitUrl(out, run);
      service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
          .withTimeout(Duration.ofSeconds(60)).build();
      ChromeOptions options = new ChromeOptions();
      options.setBinary(CHROMIUM.toFile());
      options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--user-data-dir=" + Files.createDirectory(tmp.resolve("profile")), "--window-size=1400,1100");
      browser = new ChromeDriver(service, options);
      browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60)).scriptTimeout(Duration.ofSeconds(30));
      browser.get(url);

      TreeSet<Integer> seen = new TreeSet<>();
      int clientRows = 0;
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
      for (int i = 0; i < 3000 && System.nanoTime() < end && shown < ROUNDS; i++) {
        String text = browser.findElement(By.id("round")).getText().strip();
        clientRows = browser.findElements(By.cssSelector("#clients tbody tr")).size();
        if (text.matches("\\d+") && seen.add(Integer.parseInt(text))) {
          int round = Integer.parseInt(text);
          if (round == ROUNDS) screenshot(browser);
          shown = Math.max(shown, round);
        }
        Thread.sleep(100);
      }
      assertTrue(seen.size() >= 2, "the round shown advanced live: " + seen + "\n" + out + err);
      assertEquals(ROUNDS, (int) seen.last(), "the page showed the last round: " + seen);
      assertTrue(clientRows > 0, "the clients table has rows");
      List<WebElement> cells = browser.findElements(By.cssSelector("#clients tbody tr td"));
      assertTrue(cells.get(0).getText().startsWith("client"), "a client id: " + cells.get(0).getText());
      assertTrue(!browser.findElements(By.cssSelector("#charts .uplot")).isEmpty(), "the charts are drawn");
      assertEquals(0, (int) run.get(120, TimeUnit.SECONDS), out + "\n" + err);
    } finally {
      shown = Integer.MAX_VALUE; // never hold the simulation back
      if (browser != null) browser.quit();
      if (service != null) service.stop();
      thread.shutdownNow();
      thread.awaitTermination(60, TimeUnit.SECONDS);
    }
  }

  private static String awaitUrl(StringWriter out, Future<Integer> run) throws Exception {
    for (int i = 0; i < 600; i++) {
      Matcher m = URL.matcher(out.toString());
      if (m.find()) return m.group(1);
      if (run.isDone()) fail("the simulation ended before it served the dashboard (exit " + run.get() + "): " + out);
      Thread.sleep(100);
    }
    throw new AssertionError("no dashboard address printed within 60 s: " + out);
  }

  private static void screenshot(WebDriver browser) throws Exception {
    byte[] png = ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES);
    Files.createDirectories(Path.of("target"));
    Files.write(Path.of("target", "dashboard.png"), png);
  }

  /** {@code simulator}, each of whose rounds waits until the page has shown it. */
  private Simulator paced(Simulator simulator) {
    return spec -> {
      Simulator.Prepared prepared = simulator.prepare(spec);
      return new Simulator.Prepared() {
        @Override
        public String partitionSummary() {
          return prepared.partitionSummary();
        }

        @Override
        public Standardizer scaler() {
          return prepared.scaler();
        }

        @Override
        public SimulationResult run(List<RoundListener> listeners) throws InterruptedException {
          List<RoundListener> all = new ArrayList<>(listeners);
          all.add(new RoundListener() {
            @Override
            public void roundCompleted(RoundRecord record, int rounds) {
              long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(ROUND_WAIT_SECONDS);
              try {
                while (shown < record.round() && System.nanoTime() < end) Thread.sleep(20);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          });
          return prepared.run(all);
        }
      };
    };
  }
}
