/**
 * The page-replacement SPI: policies that decide which resident page leaves when a frame is needed.
 *
 * <p>2.0.0: {@code ReplacementPolicy.evict} names the page it makes room for.
 */
@Export
@Version("2.0.0")
package org.clkernel.api.replacement;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
