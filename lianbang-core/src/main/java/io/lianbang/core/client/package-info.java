/** The client side of a federation: the {@link io.lianbang.core.client.Client} a data owner implements and the server's handle to it. */
package io.lianbang.core.client;
