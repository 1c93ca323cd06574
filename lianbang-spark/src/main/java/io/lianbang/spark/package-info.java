/**
 * The {@code spark} simulation backend: a simulation's clients train on Apache Spark executors, one
 * Spark job per round, with results bit-identical to the in-JVM backend.
 */
package io.lianbang.spark;
