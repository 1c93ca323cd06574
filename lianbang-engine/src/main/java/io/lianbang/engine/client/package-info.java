/** A ready {@link io.lianbang.core.client.Client} backed by the training engine. */
package io.lianbang.engine.client;
