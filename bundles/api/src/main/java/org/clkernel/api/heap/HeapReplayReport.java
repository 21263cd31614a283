package org.clkernel.api.heap;

import java.util.Locale;

/**
 * What one replay found: the operations it completed, the space the heap needed for them and the
 * time it took, and the first failure if there was one. Kept as plain numbers so a shell, a test
 * or a benchmark can each present them its own way; {@link #format} is the shell's.
 *
 * @param trace         the trace's name
 * @param operations    operations completed; short of the trace's when a failure stopped it
 * @param mallocs       allocations completed
 * @param reallocs      reallocations completed
 * @param frees         frees completed
 * @param peakLiveBytes the largest sum of the sizes asked for by the live blocks
 * @param highWaterBytes the largest size of the heap seen after an operation
 * @param utilization   {@code peakLiveBytes / highWaterBytes}, 0 when the heap never used memory
 * @param nanos         the whole run, checks included
 * @param targetNanos   the time spent inside malloc, realloc and free alone
 * @param failure       the first failure in one line, null when the trace ran through
 */
public record HeapReplayReport(String trace, long operations, long mallocs, long reallocs, long frees,
        long peakLiveBytes, long highWaterBytes, double utilization, long nanos, long targetNanos,
        String failure) {

    /** The same report with a failure found after the run (for example, of the strategy). */
    public HeapReplayReport withFailure(String failure) {
        return new HeapReplayReport(trace, operations, mallocs, reallocs, frees, peakLiveBytes, highWaterBytes,
                utilization, nanos, targetNanos, failure);
    }

    /** Whether the trace ran through with every check passed. */
    public boolean ok() {
        return failure == null;
    }

    /** Operations a second over the whole run, checks included; 0 for a run too short to time. */
    public double operationsPerSecond() {
        return perSecond(nanos);
    }

    /** Operations a second counting only the time inside the heap's calls. */
    public double targetOperationsPerSecond() {
        return perSecond(targetNanos);
    }

    private double perSecond(long time) {
        return time <= 0 ? 0 : operations * 1e9 / time;
    }

    /** The report as a few aligned lines for a shell. */
    public String format() {
        StringBuilder s = new StringBuilder();
        line(s, "trace", trace);
        line(s, "result", ok() ? "ran through" : "FAILED " + failure);
        line(s, "operations", String.format(Locale.ROOT, "%,d (%,d malloc, %,d realloc, %,d free)",
                operations, mallocs, reallocs, frees));
        line(s, "peak live", String.format(Locale.ROOT, "%,d bytes", peakLiveBytes));
        line(s, "high water", String.format(Locale.ROOT, "%,d bytes", highWaterBytes));
        line(s, "utilization", String.format(Locale.ROOT, "%.1f%%", utilization * 100));
        line(s, "time", String.format(Locale.ROOT, "%.3f ms in all, %.3f ms in the heap",
                nanos / 1e6, targetNanos / 1e6));
        line(s, "throughput", String.format(Locale.ROOT, "%,.0f ops/s in all, %,.0f ops/s in the heap",
                operationsPerSecond(), targetOperationsPerSecond()));
        return s.toString();
    }

    private static void line(StringBuilder s, String label, String value) {
        s.append(String.format(Locale.ROOT, "%-12s %s%n", label, value));
    }
}
