/**
 * The kernel heap ({@link org.clkernel.api.heap.KernelHeap}) and the placement strategy SPI
 * ({@link org.clkernel.api.heap.PlacementStrategy}, {@link org.clkernel.api.heap.HeapView}).
 *
 * <p>1.0.0: kmalloc, kcalloc, krealloc, kfree, usable size, statistics, integrity check; the
 * placement strategy SPI.
 * <p>1.1.0: choosing the placement strategy ({@code strategy}, {@code useStrategy}) and the record
 * of the last hot swap ({@code lastSwap}).
 * <p>2.0.0: a strategy checks its index against the heap ({@code PlacementStrategy.check});
 * allocation sites, aligned allocation, actor allocation within quotas, per-actor statistics,
 * the blocks themselves ({@code forEachBlock}), fuller statistics, the heap's checks.
 */
@Export
@Version("2.0.0")
package org.clkernel.api.heap;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
