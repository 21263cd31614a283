package org.clkernel.api.heap;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongConsumer;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Replays heap allocation traces in the CS:APP malloc-lab {@code .rep} format on a private heap
 * (the kernel heap's own code on memory of its own, placed by a fresh instance of a strategy), so
 * that strategies can be compared on the same trace without touching the kernel heap; and writes
 * synthetic traces of known families.
 */
@ProviderType
public interface HeapReplayer {

    /** The families {@link #generate} knows. */
    List<String> families();

    /**
     * Writes a synthetic trace.
     *
     * @param family     one of {@link #families()}
     * @param seed       the same seed gives the same trace
     * @param operations about how many operations
     * @return the operations written
     * @throws IllegalArgumentException for an unknown family or a bad count
     */
    int generate(String family, long seed, int operations, Path out) throws IOException;

    /**
     * Replays a trace, checking as it goes that every block is aligned, inside the heap, overlaps
     * no other live block and keeps its contents (each block is filled with a byte of its id and
     * verified on realloc and free), and running the heap's integrity check every
     * {@code checkEvery} operations and at the end.
     *
     * @param strategy   a strategy's name, the built-in's, or null for the best-ranked installed
     * @param checks     whether the heap's checks (poison and quarantine, zero on free) run too;
     *                   without them the replay measures placement alone
     * @param checkEvery operations between integrity checks, 0 for the end only
     * @param progress   hears the operations done, about every 10%
     * @throws IllegalArgumentException for a bad trace (one line naming the line) or strategy
     */
    HeapReplayReport replay(Path trace, String strategy, boolean checks, int checkEvery, LongConsumer progress)
            throws IOException;
}
