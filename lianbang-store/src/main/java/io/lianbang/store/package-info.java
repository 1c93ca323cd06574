/**
 * The run store: every run, its configuration and environment, its rounds, participants and
 * files, in a SQL database reached by a JDBC URL (an embedded SQLite file by default), written as
 * the run goes.
 */
package io.lianbang.store;
