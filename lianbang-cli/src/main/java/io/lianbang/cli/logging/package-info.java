/**
 * Log output: the JSON-lines SLF4J provider that {@code --log-format json} selects instead of
 * slf4j-simple's text lines.
 */
package io.lianbang.cli.logging;
