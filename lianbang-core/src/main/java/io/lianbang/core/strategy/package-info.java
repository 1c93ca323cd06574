/**
 * Strategies: the server-side algorithms that choose clients and aggregate their results, and the
 * values they exchange with the round loop. One algorithm per file.
 */
package io.lianbang.core.strategy;
