/** Byzantine clients for simulations: who is malicious, and what they send. */
package io.lianbang.sim.attack;
