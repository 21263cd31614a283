package org.clkernel.api.supervisor;

import java.util.List;

/**
 * The result of one leak scan.
 *
 * @param leaks         the live blocks no root reaches, in address order
 * @param blocksScanned live blocks whose payload was scanned (those reached from a root)
 * @param bytesScanned  bytes scanned: the roots and the payloads of the blocks reached
 * @param nanos         how long the scan took
 */
public record LeakReport(List<Leak> leaks, long blocksScanned, long bytesScanned, long nanos) {

    public LeakReport {
        leaks = List.copyOf(leaks);
    }

    /**
     * One block reported as leaked.
     *
     * @param address   the address its caller was given
     * @param size      bytes its caller asked for
     * @param owner     the actor that owns it
     * @param site      the name of its allocation site, or "" for none
     * @param ageMillis milliseconds since it was allocated
     */
    public record Leak(long address, long size, int owner, String site, long ageMillis) {
    }
}
