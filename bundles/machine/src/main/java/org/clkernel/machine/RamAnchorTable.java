package org.clkernel.machine;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

import org.clkernel.api.CheckResult;
import org.clkernel.api.machine.AnchorTable;
import org.clkernel.api.machine.PhysicalMemory;

/**
 * The anchor table in RAM at {@link AnchorTable#ADDRESS}:
 * <pre>
 *   +0  u32 magic "CLKA"    +4  u32 layout version
 *   +8  u32 capacity        +12 u32 count
 *   +16 entry[capacity]: char name[24] (NUL-padded ASCII), u64 value
 * </pre>
 * Invariant: entries 0..count-1 are in use with distinct names; entries from count on are empty
 * (first name byte 0). A removal moves the last entry into the hole to keep that true.
 */
final class RamAnchorTable implements AnchorTable {
    static final int HEADER = 16;
    static final int NAME_BYTES = MAX_NAME_LENGTH + 1;
    static final int ENTRY = NAME_BYTES + 8;
    static final int CAPACITY = (4096 - HEADER) / ENTRY;

    private final PhysicalMemory ram;

    RamAnchorTable(PhysicalMemory ram) {
        this.ram = ram;
    }

    /** Writes an empty table, as firmware does at boot. */
    synchronized void format() {
        ram.write(ADDRESS, new byte[4096], 0, 4096);
        ram.write32(ADDRESS, MAGIC);
        ram.write32(ADDRESS + 4, LAYOUT_VERSION);
        ram.write32(ADDRESS + 8, CAPACITY);
        ram.write32(ADDRESS + 12, 0);
    }

    @Override
    public synchronized OptionalLong get(String name) {
        int slot = find(name);
        return slot < 0 ? OptionalLong.empty() : OptionalLong.of(ram.read64(entry(slot) + NAME_BYTES));
    }

    @Override
    public synchronized void put(String name, long value) {
        byte[] encoded = encode(name);
        requireIntact();
        int slot = find(name);
        if (slot < 0) {
            int count = count();
            if (count >= CAPACITY) {
                throw new IllegalStateException("anchor table is full (" + CAPACITY + " entries)");
            }
            slot = count;
            ram.write(entry(slot), encoded, 0, NAME_BYTES);
            ram.write64(entry(slot) + NAME_BYTES, value);
            ram.write32(ADDRESS + 12, count + 1); // publish the entry after it is complete
        } else {
            ram.write64(entry(slot) + NAME_BYTES, value);
        }
    }

    @Override
    public synchronized boolean remove(String name) {
        encode(name);
        requireIntact();
        int slot = find(name);
        if (slot < 0) {
            return false;
        }
        int last = count() - 1;
        byte[] moved = new byte[ENTRY];
        ram.read(entry(last), moved, 0, ENTRY);
        ram.write(entry(slot), moved, 0, ENTRY);
        ram.write(entry(last), new byte[ENTRY], 0, ENTRY);
        ram.write32(ADDRESS + 12, last);
        return true;
    }

    @Override
    public synchronized Map<String, Long> entries() {
        Map<String, Long> all = new LinkedHashMap<>();
        int count = Math.min(count(), CAPACITY);
        for (int i = 0; i < count; i++) {
            all.put(nameAt(i), ram.read64(entry(i) + NAME_BYTES));
        }
        return all;
    }

    @Override
    public synchronized int freeSlots() {
        return Math.max(0, CAPACITY - count());
    }

    @Override
    public synchronized CheckResult check() {
        String what = "anchor table";
        if (ram.read32(ADDRESS) != MAGIC) {
            return CheckResult.broken(what, 0, String.format("header at 0x%x: bad magic 0x%08x", ADDRESS, ram.read32(ADDRESS)));
        }
        if (ram.read32(ADDRESS + 4) != LAYOUT_VERSION) {
            return CheckResult.broken(what, 0, "header: layout version " + ram.read32(ADDRESS + 4) + ", expected " + LAYOUT_VERSION);
        }
        if (ram.read32(ADDRESS + 8) != CAPACITY) {
            return CheckResult.broken(what, 0, "header: capacity " + ram.read32(ADDRESS + 8) + ", expected " + CAPACITY);
        }
        int count = count();
        if (count < 0 || count > CAPACITY) {
            return CheckResult.broken(what, 0, "header: count " + count + " outside 0.." + CAPACITY);
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < CAPACITY; i++) {
            long at = entry(i);
            byte[] name = new byte[NAME_BYTES];
            ram.read(at, name, 0, NAME_BYTES);
            if (i >= count) {
                if (name[0] != 0) {
                    return CheckResult.broken(what, i, String.format("entry %d at 0x%x is past count %d but not empty", i, at, count));
                }
                continue;
            }
            String problem = nameProblem(name);
            if (problem != null) {
                return CheckResult.broken(what, i, String.format("entry %d at 0x%x: %s", i, at, problem));
            }
            String s = decode(name);
            if (!seen.add(s)) {
                return CheckResult.broken(what, i, String.format("entry %d at 0x%x: duplicate name '%s'", i, at, s));
            }
        }
        return CheckResult.ok(what, count);
    }

    // ---- helpers -------------------------------------------------------------------------------

    private void requireIntact() {
        CheckResult check = check();
        if (!check.isOk()) {
            throw new IllegalStateException("refusing to change a broken anchor table: " + check.firstProblem());
        }
    }

    private int count() {
        return ram.read32(ADDRESS + 12);
    }

    private static long entry(int slot) {
        return ADDRESS + HEADER + (long) slot * ENTRY;
    }

    private int find(String name) {
        byte[] wanted = encode(name);
        byte[] candidate = new byte[NAME_BYTES];
        int count = Math.min(count(), CAPACITY);
        for (int i = 0; i < count; i++) {
            ram.read(entry(i), candidate, 0, NAME_BYTES);
            if (java.util.Arrays.equals(candidate, wanted)) {
                return i;
            }
        }
        return -1;
    }

    private String nameAt(int slot) {
        byte[] name = new byte[NAME_BYTES];
        ram.read(entry(slot), name, 0, NAME_BYTES);
        return decode(name);
    }

    private static String decode(byte[] name) {
        int n = 0;
        while (n < name.length && name[n] != 0) {
            n++;
        }
        return new String(name, 0, n, StandardCharsets.US_ASCII);
    }

    private static String nameProblem(byte[] name) {
        if (name[0] == 0) {
            return "empty name in a used slot";
        }
        int n = 0;
        while (n < name.length && name[n] != 0) {
            if (name[n] < 0x21 || name[n] > 0x7E) {
                return String.format("name byte %d is 0x%02x, not printable ASCII", n, name[n] & 0xFF);
            }
            n++;
        }
        if (n == name.length) {
            return "name is not NUL-terminated";
        }
        for (int i = n; i < name.length; i++) {
            if (name[i] != 0) {
                return "name has bytes after its NUL terminator";
            }
        }
        return null;
    }

    /** The NUL-padded form of a valid name. */
    static byte[] encode(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("anchor name must be 1 to " + MAX_NAME_LENGTH + " characters");
        }
        byte[] bytes = new byte[NAME_BYTES];
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                throw new IllegalArgumentException("anchor name '" + name + "' must be printable ASCII without spaces");
            }
            bytes[i] = (byte) c;
        }
        return bytes;
    }
}
