/** Asynchronous simulations: FedBuff on a simulated clock. */
package io.lianbang.sim.async;
