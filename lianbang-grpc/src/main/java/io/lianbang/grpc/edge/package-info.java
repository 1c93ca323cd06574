/**
 * Hierarchical aggregation: an edge aggregator serves its own clients and answers its parent
 * server with their exact partial sum.
 */
package io.lianbang.grpc.edge;
