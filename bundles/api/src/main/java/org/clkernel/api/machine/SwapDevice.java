package org.clkernel.api.machine;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The swap disk: {@link #slots()} slots of {@value #SLOT_SIZE} bytes, read into and written from
 * physical frames, as a disk controller moves whole blocks by DMA. A slot never written reads as
 * zeros. The device keeps no record of which slots hold data the kernel cares about: that is the
 * kernel's state, kept in RAM. Contents are stored sparsely (a slot costs Java memory once written
 * and until discarded) and last as long as the machine.
 *
 * @since 1.2
 */
@ProviderType
public interface SwapDevice {
    int SLOT_SIZE = 4096;

    /** Number of slots; 0 when the machine has no swap disk. */
    int slots();

    /**
     * Copies a slot into the 4 KiB frame at a physical address.
     *
     * @throws IllegalArgumentException for a slot out of range or an address that is not a page of RAM
     */
    void read(int slot, long frameAddress);

    /** Copies the 4 KiB frame at a physical address into a slot; same refusals as {@link #read}. */
    void write(int slot, long frameAddress);

    /** Forgets a slot's contents (TRIM): it reads as zeros again and costs no Java memory. */
    void discard(int slot);

    /** Slots holding written data, i.e. backed by Java memory. */
    int storedSlots();

    /** Slot reads since power-on. */
    long reads();

    /** Slot writes since power-on. */
    long writes();
}
