/** Immutable tensors and model parameters. */
package io.lianbang.core.tensor;
