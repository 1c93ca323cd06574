/**
 * Asynchronous federated aggregation: the server applies buffered client updates as they arrive,
 * each down-weighted by how stale the model it started from is (FedBuff, Nguyen et al., AISTATS
 * 2022).
 */
package io.lianbang.core.async;
