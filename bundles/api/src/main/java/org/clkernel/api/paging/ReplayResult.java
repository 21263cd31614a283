package org.clkernel.api.paging;

import java.util.Locale;

/** What a replay measured: references, misses and the time the replay took. */
public record ReplayResult(String trace, String policy, int frames, long references, long misses, long nanos) {

    public double missRatio() {
        return references == 0 ? 0 : (double) misses / references;
    }

    public double referencesPerSecond() {
        return nanos == 0 ? 0 : references * 1e9 / nanos;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s %s frames=%d: %d references, %d misses, miss ratio %.4f, %.2f s (%.1f M refs/s)",
                trace, policy, frames, references, misses, missRatio(), nanos / 1e9, referencesPerSecond() / 1e6);
    }
}
