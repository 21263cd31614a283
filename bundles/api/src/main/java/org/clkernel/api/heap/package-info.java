/**
 * The kernel heap ({@link org.clkernel.api.heap.KernelHeap}) and the placement strategy SPI
 * ({@link org.clkernel.api.heap.PlacementStrategy}, {@link org.clkernel.api.heap.HeapView}).
 *
 * <p>1.0.0: kmalloc, kcalloc, krealloc, kfree, usable size, statistics, integrity check; the
 * placement strategy SPI.
 */
@Export
@Version("1.0.0")
package org.clkernel.api.heap;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
