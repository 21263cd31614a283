/**
 * Types shared by every CLKernel/J subsystem.
 */
@Export
@Version("1.0.0")
package org.clkernel.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
