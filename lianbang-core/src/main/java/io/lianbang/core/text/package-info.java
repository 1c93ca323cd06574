/** Helpers for text shown to people, such as values quoted in error messages. */
package io.lianbang.core.text;
