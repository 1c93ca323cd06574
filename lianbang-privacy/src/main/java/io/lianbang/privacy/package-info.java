/**
 * Privacy for federated learning: secure aggregation ({@code secagg}), Paillier aggregation
 * ({@code paillier}), differential privacy ({@code dp}) and reports; here, what the secure
 * aggregations share.
 */
package io.lianbang.privacy;
