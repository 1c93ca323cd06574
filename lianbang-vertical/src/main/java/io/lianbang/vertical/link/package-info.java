/** Tagged, bounded, deadline-bound messages between the parties of a vertical run. */
package io.lianbang.vertical.link;
