package io.lianbang.privacy.dp;

/**
 * An (ε, δ)-differential-privacy guarantee and the Rényi order that gave it.
 *
 * @param epsilon ε, &gt;= 0 (infinite when nothing useful can be said)
 * @param delta δ, in (0, 1)
 * @param order the RDP order at which the conversion was tightest
 */
public record PrivacySpent(double epsilon, double delta, double order) {}
