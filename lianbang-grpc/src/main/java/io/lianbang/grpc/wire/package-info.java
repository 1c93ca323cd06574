/** Conversions between core values and {@code lianbang.v1} messages, with chunked tensor streaming. */
package io.lianbang.grpc.wire;
