/**
 * The YAML configuration: the loader that merges the demo's defaults, binds the result directly
 * onto the immutable spec records and reports unknown keys, wrong types and invalid values by key
 * and value, and the writer of effective configurations.
 */
package io.lianbang.cli.config;
