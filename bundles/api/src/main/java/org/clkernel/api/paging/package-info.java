/**
 * Virtual memory services: trace replay through replacement policies.
 */
@Export
@Version("1.0.0")
package org.clkernel.api.paging;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
