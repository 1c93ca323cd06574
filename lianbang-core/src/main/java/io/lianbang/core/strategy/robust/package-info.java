/**
 * Byzantine-robust strategies: aggregators that tolerate a minority of malicious clients
 * (coordinate-wise median, trimmed mean, Krum and Multi-Krum, Bulyan) and the norm-bounding
 * decorator. Their math lives in {@link io.lianbang.core.aggregate}.
 */
package io.lianbang.core.strategy.robust;
