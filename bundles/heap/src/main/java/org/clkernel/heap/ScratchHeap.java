package org.clkernel.heap;

import org.clkernel.api.CheckResult;
import org.clkernel.api.heap.KernelHeap.HeapChecks;
import org.clkernel.api.heap.PlacementStrategy;
import org.clkernel.heap.replay.ReplayTarget;

/**
 * A private heap for a trace replay: the kernel heap's own code ({@link Heap}) on
 * {@link ArrayMemory}, placed by its own instance of a strategy, so that a replay measures the
 * placement and never touches the kernel heap. All blocks belong to the kernel actor.
 */
final class ScratchHeap implements ReplayTarget {
    private final ArrayMemory memory;
    private final Heap heap;
    private String strategyFailure;

    /**
     * @param strategy the strategy to place with, or null for the built-in first fit
     * @param limit    the most bytes the heap may map
     * @param checks   the checks to run (poison and quarantine change which blocks are reused)
     */
    ScratchHeap(PlacementStrategy strategy, long limit, HeapChecks checks) {
        this.memory = new ArrayMemory(limit);
        this.heap = Heap.format(memory, System::currentTimeMillis);
        if (heap == null) {
            throw new IllegalArgumentException("a heap limit of " + limit + " bytes leaves no room for the first pages");
        }
        heap.setChecks(checks);
        heap.blocks().onFailure((s, e, nanos) -> strategyFailure = String.valueOf(e.getMessage()));
        if (strategy != null) {
            heap.blocks().use(strategy);
        }
    }

    /** Why the strategy was replaced by first fit during the replay, or null when it never failed. */
    String strategyFailure() {
        return strategyFailure;
    }

    @Override
    public long malloc(long size) {
        return heap.allocate(size, 0, 0);
    }

    @Override
    public long realloc(long address, long size) {
        return heap.reallocate(address, size, 0);
    }

    @Override
    public void free(long address) {
        heap.free("free", address, -1);
    }

    @Override
    public void fill(long address, byte value, long length) {
        memory.fill(address, length, value);
    }

    @Override
    public long firstMismatch(long address, byte value, long length) {
        return memory.firstMismatch(address, length, value);
    }

    @Override
    public long heapStart() {
        return HeapControl.FIRST_BLOCK + BlockTags.HEADER;
    }

    @Override
    public long heapEnd() {
        return heap.top() - BlockTags.HEADER;
    }

    /**
     * The bytes the heap needs: from the first block to the end of the last block that is not free,
     * as malloc-lab measures a heap grown by sbrk; the free tail of the last mapped page is not
     * counted (the heap maps whole pages, which would weigh on small traces).
     */
    @Override
    public long heapBytes() {
        return heap.extent() - HeapControl.FIRST_BLOCK;
    }

    @Override
    public String check() {
        CheckResult r = heap.check();
        return r.isOk() ? null : r.firstProblem();
    }
}
