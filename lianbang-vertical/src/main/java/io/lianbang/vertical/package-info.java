/**
 * Vertical federated learning: parties that hold different features of the same people.
 *
 * <p>A guest holds the labels and some features, one or more hosts hold other features of the
 * same rows, and (for some protocols) an arbiter holds a Paillier key. Parties exchange tagged
 * messages over a {@link io.lianbang.vertical.link.PartyLink}, in memory for tests and over gRPC
 * between processes; {@link io.lianbang.vertical.data.VerticalTable} is one party's share of the
 * rows.
 */
package io.lianbang.vertical;
