/**
 * Hetero (vertical) logistic regression with a guest (labels and features), one or more hosts
 * (features) and an arbiter holding a Paillier key: FATE 1.11's protocol and update rule
 * ({@code federatedml/linear_model/coordinated_linear_model/logistic_regression/hetero_logistic_regression}),
 * after S. Hardy et al., "Private federated learning on vertically partitioned data via entity
 * resolution and additively homomorphic encryption", arXiv:1711.10677, 2017, and K. Yang et al.,
 * "A quasi-Newton method based vertical federated learning framework for logistic regression",
 * arXiv:1912.00513, 2019 (FATE's Taylor-loss hetero LR).
 *
 * <p>Roles: {@link io.lianbang.vertical.lr.HeteroLrGuest}, {@link io.lianbang.vertical.lr.HeteroLrHost},
 * {@link io.lianbang.vertical.lr.HeteroLrArbiter}, each a blocking {@code run(PartyLink)}; settings
 * in {@link io.lianbang.vertical.lr.HeteroLrParams}; the plaintext reference
 * {@link io.lianbang.vertical.lr.HeteroLrReference}; joint scoring
 * {@link io.lianbang.vertical.lr.HeteroLrPredictGuest} / {@link io.lianbang.vertical.lr.HeteroLrPredictHost};
 * {@link io.lianbang.vertical.lr.Auc}. The messages and what each party learns:
 * {@link io.lianbang.vertical.lr.HeteroLrProtocol}.
 *
 * <p>Per batch B of iteration t (E(·) is encryption under the arbiter's key, fixed point with f
 * fraction bits):
 * <ol>
 *   <li>guest → hosts: the batch's row indices ({@code lr.batch});
 *   <li>host → guest: E(0.25·w_h·x_h,i) ({@code lr.forward}) and, with one host, E(Σ (w_h·x_h,i)²) and
 *       E(α/2·‖w_h‖²) ({@code lr.loss_part});
 *   <li>guest: E(d_i) = E(0.25·(w_g·x_g,i + b) − 0.5·y_i) · Π_h E(0.25·w_h·x_h,i), fresh randomness,
 *       y ∈ {−1, 1}; guest → hosts ({@code lr.residual});
 *   <li>each party: E(S_j) = Π_i E(d_i)^{x_ij} (the guest also S_b = Σ d_i), plus a mask r_j uniform in
 *       Z_n: E(S_j + r_j) → arbiter ({@code lr.masked_gradient}); with one host the guest also sends
 *       E(loss) ({@code lr.loss});
 *   <li>arbiter → party: S_j + r_j mod n in the clear ({@code lr.masked_plain}); the party unmasks,
 *       g_j = S_j/|B| + α·w_j (not on b), and applies the optimizer to its own coordinates
 *       (RMSprop is coordinate-wise, so this equals FATE's optimizer step on the arbiter);
 *   <li>after the iteration: with WEIGHT_DIFF each party sends ‖Δ‖² of its weights
 *       ({@code lr.delta_norm}); the arbiter sends the convergence flag ({@code lr.converged}).
 * </ol>
 * Where this differs from FATE 1.11: FATE's arbiter decrypts the gradients themselves and runs the
 * optimizer; here it sees only uniformly masked sums and the parties run the (coordinate-wise)
 * optimizer, which gives the same weights. The model never exists in one place: the guest holds
 * w_g and b, each host its w_h.
 *
 * <p>Without a third party, {@link io.lianbang.vertical.lr.HeteroLrTwoPartyGuest} holds the key and
 * {@link io.lianbang.vertical.lr.HeteroLrTwoPartyHost} learns its gradient from the guest behind the same
 * masks; the guest then sees the host's partial scores w_h·x_h (see
 * {@link io.lianbang.vertical.lr.HeteroLrProtocol#TWO_PARTY_LEARNS}).
 *
 * <p>Randomness: keys, encryption and masks from {@link java.security.SecureRandom}, never seeded;
 * mini-batch shuffles from {@link io.lianbang.vertical.lr.HeteroLrParams#seed()}.
 */
package io.lianbang.vertical.lr;
