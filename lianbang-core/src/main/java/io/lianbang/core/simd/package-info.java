/** The choice between Vector API and scalar implementations, made once per JVM. */
package io.lianbang.core.simd;
