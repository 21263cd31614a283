package org.clkernel.heap.replay;

import org.clkernel.api.heap.HeapReplayReport;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Generated traces of every family survive writing and reading back unchanged, and replay on a
 * correct heap with every check passed.
 */
class RepTracePropertiesTest {

    @Provide
    Arbitrary<String> family() {
        return Arbitraries.of(TraceFamilies.families());
    }

    @Property(tries = 80)
    void aWrittenTraceReadsBackTheSame(@ForAll("family") String family, @ForAll long seed,
            @ForAll @IntRange(max = 3000) int operations) throws IOException {
        RepTrace t = TraceFamilies.generate(family, seed, operations);
        StringWriter out = new StringWriter();
        t.write(out);
        byte[] text = out.toString().getBytes(StandardCharsets.US_ASCII);
        RepTrace back = RepTrace.parse(new ByteArrayInputStream(text), "back");
        assertEquals(t.suggestedHeapSize(), back.suggestedHeapSize());
        assertEquals(t.ids(), back.ids());
        assertEquals(t.weight(), back.weight());
        assertEquals(t.operations(), back.operations());
        for (int i = 0; i < t.operations(); i++) {
            assertEquals(t.kind(i), back.kind(i), "op " + i);
            assertEquals(t.id(i), back.id(i), "op " + i);
            assertEquals(t.size(i), back.size(i), "op " + i);
        }
    }

    @Property(tries = 40)
    void aGeneratedTraceRunsThroughOnACorrectHeap(@ForAll("family") String family, @ForAll long seed,
            @ForAll @IntRange(max = 3000) int operations) {
        RepTrace t = TraceFamilies.generate(family, seed, operations);
        HeapReplayReport r = new HeapReplay(new ArrayHeap(64 << 20), 97, done -> { }).run(t);
        assertEquals(null, r.failure());
        assertEquals(t.operations(), r.operations());
        assertEquals(t.peakLiveBytes(), r.peakLiveBytes());
        assertEquals(r.mallocs(), r.frees());
        if (r.highWaterBytes() > 0) {
            assertEquals((double) r.peakLiveBytes() / r.highWaterBytes(), r.utilization(), 1e-12);
        }
    }
}
