/** Argument checks whose messages name the setting and the value. */
package io.lianbang.core.check;
