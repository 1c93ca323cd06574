/** Simulated client training times: the straggler model behind simulated-time comparisons. */
package io.lianbang.sim.latency;
