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
}
