/** Validated, immutable descriptions of simulations; the YAML configuration maps onto these records. */
package io.lianbang.sim.spec;
