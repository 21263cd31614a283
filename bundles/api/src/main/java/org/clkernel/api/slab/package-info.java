/**
 * The slab allocator, after Bonwick (USENIX Summer 1994): named caches of objects of one size,
 * carved from slabs of contiguous frames, and the {@code kmalloc-8} to {@code kmalloc-8192} caches.
 *
 * <p>1.0.0: creating and finding caches, allocating and freeing objects, statistics in the columns
 * of Linux's {@code /proc/slabinfo}, reaping empty slabs, the integrity check.
 *
 * <p>1.1.0: optional object constructors ({@link org.clkernel.api.slab.ObjectConstructor},
 * {@link org.clkernel.api.slab.SlabAllocator#create(String, int, int, ObjectConstructor)}): caches
 * that keep their free objects constructed rather than poisoned, and re-register their constructor
 * after a restart.
 */
@Export
@Version("1.1.0")
package org.clkernel.api.slab;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
