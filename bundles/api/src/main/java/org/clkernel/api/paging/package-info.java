/**
 * Virtual memory services: address spaces, page mapping and demand paging
 * ({@link org.clkernel.api.paging.VirtualMemory}), and trace replay through replacement policies.
 *
 * <p>1.1.0: {@code VirtualMemory} and its records and constants.
 */
@Export
@Version("1.1.0")
package org.clkernel.api.paging;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
