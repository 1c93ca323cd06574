/**
 * The strategy registry: every strategy of the library declared once — its name, paper,
 * hyper-parameters with defaults and valid ranges, and how to build it — read by the simulator,
 * the server, the command line's validation and help, and the README's table.
 */
package io.lianbang.core.strategy.registry;
