package org.clkernel.api.machine;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Little-endian loads and stores of 8, 16, 32 and 64 bits, and bulk copies. Addresses are unsigned
 * 32-bit values held in a {@code long}; 8- and 16-bit loads return the zero-extended value.
 * Unaligned accesses are allowed, as on x86.
 */
@ProviderType
public interface MemoryAccess {

    int read8(long address);

    int read16(long address);

    int read32(long address);

    long read64(long address);

    void write8(long address, int value);

    void write16(long address, int value);

    void write32(long address, int value);

    void write64(long address, long value);

    void read(long address, byte[] destination, int offset, int length);

    void write(long address, byte[] source, int offset, int length);
}
