package org.clkernel.api.paging;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Replays page reference traces through the installed replacement policies.
 */
@ProviderType
public interface TraceReplayer {

    /** An installed policy: its name and service ranking. */
    record Policy(String name, int ranking) {
    }

    /** Told how far a replay has come, about every 1% of the trace. */
    @FunctionalInterface
    interface Progress {
        void update(long done, long total);
    }

    /** The installed policies, best ranked first. */
    List<Policy> policies();

    /**
     * Runs a trace through a fresh instance of a policy with this many frames, alone, like a
     * cache simulator.
     *
     * @param trace    a .txt (one page id a line) or .lis (ARC) trace, optionally gzipped
     * @param progress told of the references done so far, about every 1% of the trace; may be null
     * @throws IllegalArgumentException for an unknown policy, bad frame count or malformed trace
     * @throws IllegalStateException    when the policy fails (throws or evicts a page that is not
     *                                  resident); the failure is contained to this replay
     */
    ReplayResult simulate(Path trace, String policy, int frames, Progress progress) throws IOException;

    /**
     * Runs a trace on the machine: every reference is a 32-bit read, at CPL 3 through the MMU of a
     * CPU context of its own, of one page of a demand-zero region in an address space of its own,
     * whose resident limit is {@code frames} and whose replacement policy is {@code policy} (other
     * spaces keep theirs). The space, its frames, its swap slots and the context are gone when the
     * call returns, whether it succeeded or not.
     *
     * <p>A miss is a page fault: minor on the first touch of a page (a zeroed frame), major when the
     * page comes back from swap; the result's misses are the two added up. A TLB hit is invisible to
     * the kernel, so a policy learns of recency only through the accessed bits it tests and clears
     * (Clock does), and recency policies such as LRU see only the order of faults, which makes them
     * FIFO-like. OPT is refused: a running system does not know the future.
     *
     * <p>The pages are never written, but a page evicted without a copy on the swap device is written
     * there, so the device must have room for {@code distinct pages - frames} pages.
     *
     * @param trace    a .txt (one page id a line) or .lis (ARC) trace, optionally gzipped
     * @param progress told of the references done so far, about every 1% of the trace; may be null
     * @throws IllegalArgumentException for an unknown policy or OPT, a bad frame count, a malformed
     *                                  trace, or a trace whose pages do not fit the user half or
     *                                  whose evicted pages do not fit the free swap slots
     * @throws IllegalStateException    when the paging system is not running, or the policy fails
     *                                  during the replay (the space then falls back to another one)
     * @since 1.3
     */
    ReplayResult replayOnMachine(Path trace, String policy, int frames, Progress progress) throws IOException;
}
