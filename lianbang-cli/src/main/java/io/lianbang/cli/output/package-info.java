/** The files a run writes: history as CSV and JSON, and a chart of accuracy and loss per round. */
package io.lianbang.cli.output;
