/**
 * The emulated x86 machine: physical memory, the memory map, MMIO devices, CPU contexts with their
 * MMU and TLB, and the anchor table through which subsystems find their state in RAM.
 */
@Export
@Version("1.0.0")
package org.clkernel.api.machine;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
