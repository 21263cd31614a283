/**
 * The emulated x86 machine: physical memory, the memory map, MMIO devices, CPU contexts with their
 * MMU and TLB, and the anchor table through which subsystems find their state in RAM.
 *
 * <p>1.1.0: {@code CpuContext.requestInvlpg} and {@code requestFlush}, TLB shootdowns from any thread.
 * <p>1.2.0: {@code SwapDevice} and {@code Machine.swap()}.
 */
@Export
@Version("1.2.0")
package org.clkernel.api.machine;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
