/** The round loop: sampling, deadlines, quorum, evaluation and the run history. */
package io.lianbang.core.federation;
