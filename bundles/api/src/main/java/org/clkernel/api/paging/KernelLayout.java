package org.clkernel.api.paging;

/**
 * The CLKernel virtual address layout (32-bit, 3 GiB / 1 GiB split). Every page directory shares
 * the kernel half: the same PDEs 768-1023, pointing to the same kernel page tables.
 *
 * <pre>
 * 0x00000000-0xBFFFFFFF  user half, private to each actor
 * 0xC0000000-0xCFFFFFFF  direct map of physical 0 to min(RAM, 256 MiB), global 4 MiB pages
 * 0xD0000000-0xEFFFFFFF  kernel heap window, mapped page by page as the heap grows
 * 0xF0000000-0xFFFFFFFF  MMIO/vmalloc window: every map_io gets its own range and a guard page
 * </pre>
 * Physical memory above 256 MiB is not direct-mapped; the kernel reaches it through the windows.
 */
public final class KernelLayout {
    /** First kernel address: everything below is the user half. */
    public static final long KERNEL_BASE = 0xC0000000L;
    /** Virtual address of physical address 0 in the direct map. */
    public static final long DIRECT_MAP = KERNEL_BASE;
    /** Most physical memory the direct map covers. */
    public static final long DIRECT_MAP_MAX = 256L << 20;
    public static final long HEAP_WINDOW = 0xD0000000L;
    public static final long HEAP_WINDOW_END = 0xF0000000L;
    public static final long IO_WINDOW = 0xF0000000L;
    public static final long IO_WINDOW_END = 1L << 32;
    /** First PDE of the kernel half. */
    public static final int KERNEL_PDE = (int) (KERNEL_BASE >>> 22);

    public static boolean isUser(long va) {
        return va >= 0 && va < KERNEL_BASE;
    }

    /** The direct-map address of a physical address below {@link #DIRECT_MAP_MAX}. */
    public static long directMap(long physical) {
        if (physical < 0 || physical >= DIRECT_MAP_MAX) {
            throw new IllegalArgumentException(String.format("physical 0x%x is not in the direct map", physical));
        }
        return DIRECT_MAP + physical;
    }

    private KernelLayout() {
    }
}
