package org.clkernel.benchmarks;

import java.util.concurrent.TimeUnit;

import org.clkernel.api.machine.CpuContext;
import org.clkernel.api.machine.PhysicalMemory;
import org.clkernel.api.x86.Cr0;
import org.clkernel.api.x86.Paging;
import org.clkernel.machine.EmulatedMachine;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Cost of one 32-bit load on the emulated machine: straight on the physical bus, through the MMU on
 * a TLB hit, and through the MMU on a TLB miss that walks the page tables.
 *
 * <p>All three share one setup, so their ratios compare like with like: the same machine, the same
 * backed RAM pages, one context with 32-bit paging on (CR0.PG|PE, CR4 = 0: 4 KiB pages only, no
 * global pages). Linear {@code 0x4000_0000 + x} maps to physical {@code 0x0200_0000 + x}, so the
 * TLB-hit reads land on exactly the physical words the physical reads use.
 *
 * <p>Each operation advances a cursor and returns the loaded value (JMH consumes it), so the JIT can
 * neither hoist the load out of the loop nor drop it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MemoryAccessBenchmark {
    static final int RAM_MIB = 64;
    /** The machine's default; the miss stride below depends on it. */
    static final int TLB_ENTRIES = 64;
    static final int PAGE_SIZE = Paging.PAGE_SIZE;

    /** Paging structures sit at 16 MiB, clear of the firmware's Multiboot data and anchor table in low RAM. */
    static final long PAGE_DIRECTORY = 0x0100_0000L;
    static final long HIT_TABLE = PAGE_DIRECTORY + PAGE_SIZE;
    static final long MISS_TABLE = HIT_TABLE + PAGE_SIZE;

    static final long LINEAR_BASE = 0x4000_0000L;
    static final long PHYSICAL_BASE = 0x0200_0000L;

    /**
     * TLB-hit working set: 4 consecutive linear pages, hence 4 distinct slots of the direct-mapped
     * TLB (slot = linear page number mod 64), so once filled no access evicts another.
     */
    static final long HIT_LINEAR = LINEAR_BASE;
    static final int HIT_PAGES = 4;
    /** Keeps a cursor 4-byte aligned and inside the working set, so no read crosses a page. */
    static final int HIT_MASK = HIT_PAGES * PAGE_SIZE - 4;
    /** One page and one word per operation: every read goes to another page and another word. */
    static final int HIT_STEP = PAGE_SIZE + 4;

    /**
     * TLB-miss working set: 16 pages whose linear page numbers are 64 apart, so all of them index
     * the same TLB slot (32) and each read evicts the entry the previous read filled. Every read is
     * a miss and a two-level walk; the set spans the second 4 MiB of the mapping (its own page
     * table) and shares no slot with the hit set.
     */
    static final long MISS_LINEAR = LINEAR_BASE + Paging.LARGE_PAGE_SIZE + 32L * PAGE_SIZE;
    static final int MISS_PAGES = 16;
    static final long MISS_STRIDE = (long) TLB_ENTRIES * PAGE_SIZE;

    /**
     * Entry flags. A is preset so that a walk is two plain reads, as it is for a page a kernel uses
     * all the time: the walker's locked update of A happens only once per entry, and presetting it
     * keeps warmup and measurement on the same path.
     */
    static final int TABLE_FLAGS = Paging.P | Paging.RW | Paging.A;

    private PhysicalMemory physical;
    private CpuContext cpu;
    private int cursor;
    private int missCursor;
    private long missesAtStart;

    @Setup(Level.Trial)
    public void boot() {
        EmulatedMachine machine = new EmulatedMachine(RAM_MIB, TLB_ENTRIES);
        physical = machine.physical();
        cpu = machine.context("bench");

        mapPages(HIT_TABLE, HIT_LINEAR, HIT_PAGES, 1);
        mapPages(MISS_TABLE, MISS_LINEAR, MISS_PAGES, TLB_ENTRIES);
        physical.write32(PAGE_DIRECTORY + 4L * Paging.pdIndex(LINEAR_BASE), (int) HIT_TABLE | TABLE_FLAGS);
        physical.write32(PAGE_DIRECTORY + 4L * Paging.pdIndex(MISS_LINEAR), (int) MISS_TABLE | TABLE_FLAGS);

        cpu.setCr3((int) PAGE_DIRECTORY);
        cpu.setCr0(cpu.cr0() | Cr0.PE | Cr0.PG);

        // Fill the hit set's TLB slots and prove the mapping reads what physical memory holds.
        for (int page = 0; page < HIT_PAGES; page++) {
            long offset = (long) page * PAGE_SIZE + 8;
            expectSame(HIT_LINEAR + offset, PHYSICAL_BASE + offset);
        }
        for (int page = 0; page < MISS_PAGES; page++) {
            long offset = MISS_LINEAR - LINEAR_BASE + page * MISS_STRIDE + 8;
            expectSame(LINEAR_BASE + offset, PHYSICAL_BASE + offset);
        }
        missesAtStart = cpu.counters().tlbMisses();
    }

    /**
     * Maps {@code count} pages from {@code linear}, {@code stride} pages apart, in one page table
     * (offset mapping), and writes every word of the frames so that each is backed and read on the
     * bus's fast path.
     */
    private void mapPages(long table, long linear, int count, int stride) {
        for (int n = 0; n < count; n++) {
            long page = linear + (long) n * stride * PAGE_SIZE;
            long frame = PHYSICAL_BASE + (page - LINEAR_BASE);
            physical.write32(table + 4L * Paging.ptIndex(page), (int) frame | TABLE_FLAGS);
            for (int word = 0; word < PAGE_SIZE; word += 4) {
                physical.write32(frame + word, (int) (frame + word) * 0x9E3779B1);
            }
        }
    }

    private void expectSame(long linear, long physicalAddress) {
        int viaMmu = cpu.read32(linear);
        int direct = physical.read32(physicalAddress);
        if (viaMmu != direct || direct == 0) {
            throw new IllegalStateException(String.format("linear 0x%08x reads 0x%08x, physical 0x%08x holds 0x%08x",
                    linear, viaMmu, physicalAddress, direct));
        }
    }

    /** The premise of each virtual benchmark, checked from the MMU's own miss counter. */
    @TearDown(Level.Trial)
    public void checkPremise(BenchmarkParams params) {
        long misses = cpu.counters().tlbMisses() - missesAtStart;
        String benchmark = params.getBenchmark();
        if (benchmark.endsWith("virtualReadTlbHit") && misses != 0) {
            throw new IllegalStateException(misses + " TLB misses in the TLB-hit benchmark");
        }
        if (benchmark.endsWith("virtualReadTlbMiss") && misses != (missCursor & 0xFFFFFFFFL)) {
            throw new IllegalStateException(misses + " TLB misses for " + missCursor + " reads in the TLB-miss benchmark");
        }
    }

    /** (a) A load from a backed RAM page on the physical bus. */
    @Benchmark
    public int physicalRead() {
        int at = cursor += HIT_STEP;
        return physical.read32(PHYSICAL_BASE + (at & HIT_MASK));
    }

    /** (b) The same words through the MMU: paging on, the translation cached in the TLB. */
    @Benchmark
    public int virtualReadTlbHit() {
        int at = cursor += HIT_STEP;
        return cpu.read32(HIT_LINEAR + (at & HIT_MASK));
    }

    /** (c) A load whose page was just evicted from its TLB slot: a miss, a walk and a TLB fill. */
    @Benchmark
    public int virtualReadTlbMiss() {
        int k = ++missCursor;
        return cpu.read32(MISS_LINEAR + (k & (MISS_PAGES - 1)) * MISS_STRIDE + ((k << 2) & 0xFFC));
    }
}
