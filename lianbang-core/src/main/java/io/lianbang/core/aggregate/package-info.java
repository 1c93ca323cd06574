/** Aggregation math shared by strategies, exact and independent of arrival order. */
package io.lianbang.core.aggregate;
