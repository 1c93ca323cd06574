/** Derivation of reproducible per-run, per-round and per-client seeds, and the SplitMix64 generator. */
package io.lianbang.core.random;
