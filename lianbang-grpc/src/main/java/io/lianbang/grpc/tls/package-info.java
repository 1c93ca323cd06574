/** TLS material: the files a server or client presents, and a development certificate authority. */
package io.lianbang.grpc.tls;
