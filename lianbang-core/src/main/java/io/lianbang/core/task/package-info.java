/**
 * The values that cross the boundary between server and clients: tasks, results, configuration
 * and metrics. Raw training data never appears here.
 */
package io.lianbang.core.task;
