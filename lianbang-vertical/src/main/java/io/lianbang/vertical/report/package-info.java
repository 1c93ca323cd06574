/**
 * The privacy report of a vertical run (issue 14): per party, what it sent and received per peer
 * and message kind, in which form (ids blinded, residuals encrypted, gradients masked) and how many
 * bytes, and what it learned, from {@link io.lianbang.vertical.link.LinkStats} and each protocol's
 * description table ({@link io.lianbang.vertical.report.ProtocolDescription}).
 */
package io.lianbang.vertical.report;
