/** Where a simulation's clients train: the backend SPI, the in-JVM backend, and the hook for remote ones. */
package io.lianbang.sim.backend;
