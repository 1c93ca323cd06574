/** The {@code lianbang} command line: {@code demo} and {@code simulate}. */
package io.lianbang.cli;
