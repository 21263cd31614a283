/**
 * The supervisor that watches the kernel's memory ({@link org.clkernel.api.supervisor.LeakDetector}).
 *
 * <p>1.0.0: a leak scan of the kernel heap after Linux kmemleak (Catalin Marinas, kernel
 * documentation dev-tools/kmemleak): blocks no pointer in the kernel's data reaches.
 */
@Export
@Version("1.0.0")
package org.clkernel.api.supervisor;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
