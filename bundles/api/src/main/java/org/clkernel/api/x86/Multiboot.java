package org.clkernel.api.x86;

/**
 * The Multiboot (0.6.96) information structure a bootloader leaves in low memory, as far as the
 * memory map is concerned. Offsets are in bytes from the start of the structure.
 */
public final class Multiboot {
    /** EAX at hand-off from a Multiboot bootloader. */
    public static final int BOOTLOADER_MAGIC = 0x2BADB002;

    public static final int OFF_FLAGS = 0;
    public static final int OFF_MEM_LOWER = 4;
    public static final int OFF_MEM_UPPER = 8;
    public static final int OFF_BOOT_DEVICE = 12;
    public static final int OFF_CMDLINE = 16;
    public static final int OFF_MMAP_LENGTH = 44;
    public static final int OFF_MMAP_ADDR = 48;
    public static final int OFF_BOOT_LOADER_NAME = 64;
    /** Size of the structure up to and including boot_loader_name and apm_table. */
    public static final int INFO_SIZE = 72;

    /** flags bit 0: mem_lower and mem_upper are valid. */
    public static final int FLAG_MEM = 1;
    /** flags bit 2: cmdline is valid. */
    public static final int FLAG_CMDLINE = 1 << 2;
    /** flags bit 6: mmap_length and mmap_addr are valid. */
    public static final int FLAG_MMAP = 1 << 6;
    /** flags bit 9: boot_loader_name is valid. */
    public static final int FLAG_BOOT_LOADER_NAME = 1 << 9;

    /**
     * A memory-map entry: {@code u32 size; u64 base_addr; u64 length; u32 type}. {@code size} counts
     * the bytes after itself, so the next entry starts at {@code entry + size + 4}.
     */
    public static final int MMAP_ENTRY_SIZE_FIELD = 20;
    public static final int MMAP_OFF_BASE = 4;
    public static final int MMAP_OFF_LENGTH = 12;
    public static final int MMAP_OFF_TYPE = 20;
    public static final int MMAP_ENTRY_BYTES = 24;

    private Multiboot() {
    }
}
