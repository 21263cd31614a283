/**
 * Virtual memory services: address spaces, page mapping and demand paging
 * ({@link org.clkernel.api.paging.VirtualMemory}), and trace replay through replacement policies.
 *
 * <p>1.1.0: {@code VirtualMemory} and its records and constants.
 * <p>1.2.0: demand paging with swap: resident limits, {@code SwapUsage}, policy choice.
 * <p>1.3.0: a policy chosen for one space ({@code VirtualMemory.usePolicy(int, String)}), and trace
 * replay through the MMU ({@code TraceReplayer.replayOnMachine}).
 */
@Export
@Version("1.3.0")
package org.clkernel.api.paging;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
