/**
 * Physical memory: detected regions, zones and the buddy frame allocator.
 */
@Export
@Version("1.0.0")
package org.clkernel.api.physical;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
