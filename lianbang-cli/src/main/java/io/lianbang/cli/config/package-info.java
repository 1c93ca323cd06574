/**
 * The YAML configuration: mutable sections holding the demo's defaults, the loader that reports
 * unknown keys and wrong types by key and value, and the writer of effective configurations.
 */
package io.lianbang.cli.config;
