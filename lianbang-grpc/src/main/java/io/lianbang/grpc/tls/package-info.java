/**
 * TLS material: the files a server or client presents (a development certificate authority is in
 * {@code lianbang-devcerts}).
 */
package io.lianbang.grpc.tls;
