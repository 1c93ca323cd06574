/** The experiment runner: a grid of strategies × partitions × seeds, summarised in one table and chart. */
package io.lianbang.cli.experiment;
