/** One party's rows: ids, optional labels and its own features, read from CSV. */
package io.lianbang.vertical.data;
