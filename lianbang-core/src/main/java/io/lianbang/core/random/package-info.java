/** Derivation of reproducible per-run, per-round and per-client seeds. */
package io.lianbang.core.random;
