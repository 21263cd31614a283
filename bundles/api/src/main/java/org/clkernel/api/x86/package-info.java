/**
 * x86 (32-bit, non-PAE) architectural constants, named as the Intel SDM vol. 3A names them.
 */
@Export
@Version("1.0.0")
package org.clkernel.api.x86;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
