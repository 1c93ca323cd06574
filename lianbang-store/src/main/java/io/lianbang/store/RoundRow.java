package io.lianbang.store;

/**
 * One completed round as stored: the columns of {@code history.csv}. A value not measured in the
 * round is {@code NaN} (stored as SQL NULL).
 *
 * @param round the round (0 is the evaluation of the initial model)
 * @param sampled clients asked to train
 * @param succeeded valid results aggregated
 * @param failed clients that failed
 * @param updated whether the global model changed
 * @param trainLoss example-weighted training loss
 * @param testLoss centralized test loss
 * @param testAccuracy centralized test accuracy, a fraction in [0, 1]
 * @param fedLoss federated evaluation loss
 * @param fedAccuracy federated evaluation accuracy
 * @param seconds the round's wall-clock duration
 * @param uplinkBytes bytes the round's tasks moved to the server
 * @param downlinkBytes bytes the round's tasks moved to the clients
 * @param totalUplinkBytes uplink bytes of this round and all before it
 * @param totalDownlinkBytes downlink bytes of this round and all before it
 */
public record RoundRow(int round, int sampled, int succeeded, int failed, boolean updated, double trainLoss, double testLoss,
    double testAccuracy, double fedLoss, double fedAccuracy, double seconds, long uplinkBytes, long downlinkBytes,
    long totalUplinkBytes, long totalDownlinkBytes) {}
