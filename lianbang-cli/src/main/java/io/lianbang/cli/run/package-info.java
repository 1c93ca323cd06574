/** Running a simulation from the command line: header, per-round lines, progress bar, outputs. */
package io.lianbang.cli.run;
