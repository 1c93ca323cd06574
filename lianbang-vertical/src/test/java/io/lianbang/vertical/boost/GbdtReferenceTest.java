package io.lianbang.vertical.boost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.vertical.data.TestData;
import io.lianbang.vertical.data.VerticalTable;
import org.junit.jupiter.api.Test;

class GbdtReferenceTest {
  @Test
  void stumpByHand() {
    // init = log(0.5/0.5) = 0, so p = 0.5, g = p − y = (.5, .5, −.5, −.5), h = .25. With λ = 1:
    // split x ≤ 2: ½[1²/1.5 + 1²/1.5 − 0] = 2/3; x ≤ 1: ½[.25/1.25 + .25/1.75] = 0.1714; x ≤ 3 alike.
    // Leaves −G/(H+λ)·η = −1/1.5 and +1/1.5.
    double[][] x = {{1}, {2}, {3}, {4}};
    double[] y = {0, 0, 1, 1};
    BoostParams p = BoostParams.builder().trees(1).maxDepth(1).maxBins(4).learningRate(1).lambda(1).build();
    BoostModel m = GbdtReference.train(x, y, p);
    assertEquals(0.0, m.initScore(), 1e-15);
    TreeNode root = m.trees().get(0).nodes().get(0);
    assertEquals(TreeNode.Kind.LOCAL_SPLIT, root.kind());
    assertEquals(2.0, root.threshold());
    assertEquals(1, root.bin());
    assertEquals(-2.0 / 3, m.trees().get(0).nodes().get(root.left()).weight(), 1e-12);
    assertEquals(2.0 / 3, m.trees().get(0).nodes().get(root.right()).weight(), 1e-12);
    assertEquals(new SplitRule(p).gain(0, 1, 1, 0.5), 2.0 / 3, 1e-12);
    assertEquals(new SplitRule(p).gain(0, 1, 0.5, 0.25), 0.5 * (0.25 / 1.25 + 0.25 / 1.75), 1e-12);
  }

  @Test
  void initScoreIsTheLogOddsOfTheBaseRate() {
    assertEquals(Math.log(0.25 / 0.75), Logistic.initScore(new double[] {1, 0, 0, 0}), 1e-15);
  }

  @Test
  void breastMatchesXgboost() throws Exception {
    compare(TestData.breastGuest(), TestData.breastHost(), BoostParams.builder().trees(10).build());
  }

  @Test
  void defaultCreditMatchesXgboost() throws Exception {
    compare(TestData.creditGuest(), TestData.creditHost(), BoostParams.builder().trees(30).build());
  }

  /** Train and test AUC within 0.01 relative of XGBoost hist with the same hyper-parameters (FATE's fidelity rule). */
  private static void compare(VerticalTable guest, VerticalTable host, BoostParams p) throws Exception {
    int[][] split = BoostFixtures.split(guest.rows(), BoostFixtures.SPLIT_SEED, 0.8);
    VerticalTable gTrain = BoostFixtures.rows(guest, split[0]);
    VerticalTable gTest = BoostFixtures.rows(guest, split[1]);
    double[][] train = BoostFixtures.join(gTrain, BoostFixtures.rows(host, split[0]));
    double[][] test = BoostFixtures.join(gTest, BoostFixtures.rows(host, split[1]));
    BoostModel m = GbdtReference.train(train, gTrain.labels(), p);
    double oursTrain = BoostFixtures.auc(m.predict(train), gTrain.labels());
    double oursTest = BoostFixtures.auc(m.predict(test), gTest.labels());
    double[][] x = BoostFixtures.xgboost(train, gTrain.labels(), p, train, test);
    double xgbTrain = BoostFixtures.auc(x[0], gTrain.labels());
    double xgbTest = BoostFixtures.auc(x[1], gTest.labels());
    System.out.printf("reference AUC train %.4f test %.4f; XGBoost train %.4f test %.4f%n", oursTrain, oursTest, xgbTrain, xgbTest);
    assertTrue(BoostFixtures.relative(oursTrain, xgbTrain) <= 0.01, "train AUC " + oursTrain + " vs XGBoost " + xgbTrain);
    assertTrue(BoostFixtures.relative(oursTest, xgbTest) <= 0.01, "test AUC " + oursTest + " vs XGBoost " + xgbTest);
  }
}
