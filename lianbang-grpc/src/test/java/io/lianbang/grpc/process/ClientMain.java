package io.lianbang.grpc.process;

import io.grpc.ManagedChannel;
import io.lianbang.core.client.Client;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.engine.client.EngineClient;
import io.lianbang.engine.data.BreastCancer;
import io.lianbang.engine.data.Dataset;
import io.lianbang.engine.data.IidPartitioner;
import io.lianbang.engine.data.Standardizer;
import io.lianbang.engine.nn.ModelSpec;
import io.lianbang.engine.nn.Models;
import io.lianbang.grpc.TestClients;
import io.lianbang.grpc.client.ClientChannels;
import io.lianbang.grpc.client.ClientSettings;
import io.lianbang.grpc.client.FederationClient;
import io.lianbang.grpc.tls.ClientTls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A federation client in its own process. Arguments ({@code key=value}): target, name, index,
 * clients (partition count), seed, model (pulling | breast-cancer), sleepMs (added to every fit),
 * tls (certificate directory: mutual TLS with client-NAME.pem).
 */
public final class ClientMain {
  private ClientMain() {}

  public static void main(String[] argv) throws Exception {
    Map<String, String> a = Args.parse(argv);
    String name = a.get("name");
    int index = Integer.parseInt(a.get("index"));
    long sleep = Long.parseLong(a.getOrDefault("sleepMs", "0"));
    Client inner;
    Parameters layout;
    if ("breast-cancer".equals(a.get("model"))) {
      layout = Models.create("logistic:30", 0).parameters();
      Dataset all = BreastCancer.load();
      Dataset data = Standardizer.fit(all).transform(all);
      Dataset mine = new IidPartitioner(Integer.parseInt(a.get("clients"))).partition(data, Long.parseLong(a.get("seed"))).subset(data, index);
      inner = new EngineClient(ModelSpec.parse("logistic:30"), mine, mine, 1);
    } else {
      inner = TestClients.pulling(index, 0);
      layout = TestClients.initial();
    }
    Client client = new Client() {
      @Override
      public FitResult fit(FitTask task) {
        sleep(sleep);
        return inner.fit(task);
      }

      @Override
      public EvalResult evaluate(EvalTask task) {
        return inner.evaluate(task);
      }
    };
    ClientTls tls = null;
    if (a.containsKey("tls")) {
      Path dir = Path.of(a.get("tls"));
      tls = new ClientTls(dir.resolve("ca.pem"), dir.resolve("client-" + name + ".pem"), dir.resolve("client-" + name + "-key.pem"));
    }
    ManagedChannel channel = ClientChannels.open(a.get("target"), tls, null, tls == null);
    try {
      FederationClient.Summary s = new FederationClient(channel, client, ClientSettings.defaults(name)
          .withGiveUpAfter(Duration.ofSeconds(60)).withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1)).withModelLayout(layout)).run();
      System.out.println("CLIENT_DONE " + name + " fits=" + s.fitTasks() + " evaluations=" + s.evaluateTasks());
      System.out.flush();
    } finally {
      channel.shutdownNow();
    }
    System.exit(0);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
