/** The web dashboard: runs of the store, and a live run's rounds and clients, served over HTTP. */
package io.lianbang.cli.dashboard;
