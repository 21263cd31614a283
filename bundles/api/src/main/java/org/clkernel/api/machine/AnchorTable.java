package org.clkernel.api.machine;

import java.util.Map;
import java.util.OptionalLong;

import org.clkernel.api.CheckResult;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Named pointers at a fixed physical address ({@link #ADDRESS}), kept in emulated RAM. Each
 * subsystem stores the physical address of its state here and finds it again after its bundle is
 * restarted or updated. Names are 1 to {@link #MAX_NAME_LENGTH} printable ASCII characters.
 */
@ProviderType
public interface AnchorTable {

    /** Physical address of the table: one 4 KiB page in low memory. */
    long ADDRESS = 0x1000L;
    /** "CLKA" as a little-endian u32 at offset 0. */
    int MAGIC = 0x414B4C43;
    int LAYOUT_VERSION = 1;
    int MAX_NAME_LENGTH = 23;

    OptionalLong get(String name);

    /**
     * Sets or replaces an anchor.
     *
     * @throws IllegalArgumentException for a bad name
     * @throws IllegalStateException    when the table is full
     */
    void put(String name, long value);

    /** @return whether the anchor existed */
    boolean remove(String name);

    /** Every anchor, in table order. */
    Map<String, Long> entries();

    /** Free slots left. */
    int freeSlots();

    /** Walks the table in RAM and names the first broken entry. */
    CheckResult check();
}
