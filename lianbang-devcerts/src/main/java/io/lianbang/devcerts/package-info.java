/**
 * A development certificate authority for trying mutual TLS ({@code lianbang certs}); the only
 * module that needs BouncyCastle.
 */
package io.lianbang.devcerts;
