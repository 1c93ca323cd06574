package io.lianbang.vertical.boost;

import io.lianbang.privacy.paillier.PaillierKeyPair;
import io.lianbang.vertical.data.TestData;
import io.lianbang.vertical.data.VerticalTable;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * FATE's SecureBoost quality benchmark on one data set: federated SecureBoost (guest and one host in
 * threads over in-memory links), the plaintext reference and XGBoost hist, same hyper-parameters,
 * deterministic 80/20 split (seed {@link BoostFixtures#SPLIT_SEED}). Run by experiments/secureboost.sh.
 *
 * <p>Arguments: {@code breast|credit [trees] [keyBits] [rows]} (defaults: breast 10 trees, credit 30;
 * depth 3, 32 bins, η 0.3, λ 0.1; a 1024-bit key; all rows).
 */
public final class SecureBoostExperiment {
  private SecureBoostExperiment() {}

  /** Runs the benchmark and prints AUCs and times. */
  public static void main(String[] args) throws Exception {
    String data = args.length > 0 ? args[0] : "breast";
    boolean breast = data.equals("breast");
    if (!breast && !data.equals("credit")) throw new IllegalArgumentException("data set must be breast or credit, got " + data);
    int trees = args.length > 1 ? Integer.parseInt(args[1]) : breast ? 10 : 30;
    int keyBits = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
    VerticalTable guest = breast ? TestData.breastGuest() : TestData.creditGuest();
    VerticalTable host = breast ? TestData.breastHost() : TestData.creditHost();
    if (args.length > 3) {
      int rows = Integer.parseInt(args[3]);
      int[] sample = BoostFixtures.split(guest.rows(), BoostFixtures.SPLIT_SEED, (double) rows / guest.rows())[0];
      guest = BoostFixtures.rows(guest, sample);
      host = BoostFixtures.rows(host, sample);
    }
    int[][] split = BoostFixtures.split(guest.rows(), BoostFixtures.SPLIT_SEED, 0.8);
    VerticalTable gTrain = BoostFixtures.rows(guest, split[0]);
    VerticalTable gTest = BoostFixtures.rows(guest, split[1]);
    List<VerticalTable> hTrain = List.of(BoostFixtures.rows(host, split[0]));
    List<VerticalTable> hTest = List.of(BoostFixtures.rows(host, split[1]));
    BoostParams p = BoostParams.builder().trees(trees).maxDepth(3).maxBins(32).learningRate(0.3).lambda(0.1)
        .receiveTimeout(Duration.ofMinutes(30)).build();
    System.out.printf(Locale.ROOT, "%s: %d train rows, %d test rows, guest %d features, host %d; %s; %d-bit Paillier key%n", data, gTrain.rows(),
        gTest.rows(), guest.columns(), host.columns(), p, keyBits);

    long t0 = System.nanoTime();
    double[][] joinedTrain = BoostFixtures.join(gTrain, hTrain.get(0));
    double[][] joinedTest = BoostFixtures.join(gTest, hTest.get(0));
    BoostModel ref = GbdtReference.train(joinedTrain, gTrain.labels(), p);
    long t1 = System.nanoTime();
    double[][] xgb = BoostFixtures.xgboost(joinedTrain, gTrain.labels(), p, joinedTrain, joinedTest);
    long t2 = System.nanoTime();
    SecureBoostTest.keysForExperiment(PaillierKeyPair.generate(keyBits, new SecureRandom()));
    SecureBoostTest.Run run = SecureBoostTest.federated(gTrain, hTrain, gTest, hTest, p);
    SecureBoostTest.stopPool();

    double refTrain = BoostFixtures.auc(ref.predict(joinedTrain), gTrain.labels());
    double refTest = BoostFixtures.auc(ref.predict(joinedTest), gTest.labels());
    double xTrain = BoostFixtures.auc(xgb[0], gTrain.labels());
    double xTest = BoostFixtures.auc(xgb[1], gTest.labels());
    double fTrain = BoostFixtures.auc(run.trainPred(), gTrain.labels());
    double fTest = BoostFixtures.auc(run.testPred(), gTest.labels());
    System.out.printf(Locale.ROOT, "%-12s %9s %9s %10s%n", "model", "AUC train", "AUC test", "time (s)");
    System.out.printf(Locale.ROOT, "%-12s %9.4f %9.4f %10.2f%n", "SecureBoost", fTrain, fTest, run.millis() / 1000.0);
    System.out.printf(Locale.ROOT, "%-12s %9.4f %9.4f %10.2f%n", "reference", refTrain, refTest, (t1 - t0) / 1e9);
    System.out.printf(Locale.ROOT, "%-12s %9.4f %9.4f %10.2f%n", "XGBoost", xTrain, xTest, (t2 - t1) / 1e9);
    System.out.printf(Locale.ROOT, "relative AUC gap to XGBoost: train %.4f, test %.4f (FATE's fidelity rule: <= 0.01)%n",
        BoostFixtures.relative(fTrain, xTrain), BoostFixtures.relative(fTest, xTest));
    System.out.printf(Locale.ROOT, "guest sent %d bytes, received %d bytes%n", run.links().link("guest").stats().totalBytes(true),
        run.links().link("guest").stats().totalBytes(false));
  }
}
