/** The files a run writes: history as CSV and JSON, and charts of accuracy and loss per round (JFreeChart). */
package io.lianbang.cli.output;
