/**
 * The worker threads of the vertical protocols' Paillier work: {@link
 * io.lianbang.vertical.parallel.CryptoWorkers} runs a role's encryptions (through {@link
 * io.lianbang.privacy.paillier.ParallelPaillier}), homomorphic sums and decryptions on a bounded
 * number of threads, each call within a deadline, and owns the {@link
 * io.lianbang.privacy.paillier.ObfuscatorPool}s that compute encryption randomness ahead while the
 * role waits for its peers. Results never depend on the thread count: every parallel loop writes
 * entry i of its output from entry i of its input only, and Paillier ciphertexts decrypt to the same
 * plaintexts whichever obfuscator they were made with.
 */
package io.lianbang.vertical.parallel;
