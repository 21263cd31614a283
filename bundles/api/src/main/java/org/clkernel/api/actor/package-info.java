/**
 * Actors: memory contexts with quotas and usage.
 */
@Export
@Version("1.0.0")
package org.clkernel.api.actor;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
