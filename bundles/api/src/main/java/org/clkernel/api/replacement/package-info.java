/**
 * The page-replacement SPI: policies that decide which resident page leaves when a frame is needed.
 */
@Export
@Version("1.0.0")
package org.clkernel.api.replacement;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
