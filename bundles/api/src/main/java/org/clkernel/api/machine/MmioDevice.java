package org.clkernel.api.machine;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A device that answers physical reads and writes in its address range instead of RAM.
 * Offsets are relative to {@link #base()}; sizes are 1, 2 or 4 bytes.
 */
@ConsumerType
public interface MmioDevice {

    String name();

    long base();

    long size();

    int read(long offset, int size);

    void write(long offset, int size, int value);
}
