package org.clkernel.paging.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceTest {
    @TempDir
    Path dir;

    @Test
    void txtTracesHaveOnePageALineRenumberedByFirstUse() throws IOException {
        Path f = Files.writeString(dir.resolve("t.txt"), "# comment\n700\n5\n\n700\n9\n");
        Trace t = Trace.read(f);
        assertEquals(4, t.length());
        assertEquals(3, t.distinct());
        assertArrayEquals(new int[] {0, 1, 0, 2}, new int[] {t.page(0), t.page(1), t.page(2), t.page(3)});
    }

    @Test
    void lisLinesStandForRunsOfConsecutivePages() throws IOException {
        Path f = dir.resolve("t.lis.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
            out.write("100 3 0 1\n101 1 0 2\n".getBytes(StandardCharsets.US_ASCII));
        }
        Trace t = Trace.read(f);
        assertEquals(4, t.length(), "100 101 102 101");
        assertEquals(3, t.distinct());
        assertEquals(t.page(1), t.page(3));
    }

    @Test
    void aMalformedLineIsNamed() throws IOException {
        Path f = Files.writeString(dir.resolve("bad.txt"), "1\n2\nthree\n");
        assertEquals("bad.txt line 3: 'three' is not a page id",
                assertThrows(IllegalArgumentException.class, () -> Trace.read(f)).getMessage());
        Path g = Files.writeString(dir.resolve("bad.csv"), "1\n");
        assertThrows(IllegalArgumentException.class, () -> Trace.read(g));
    }

    @Test
    void nextUsesPointAtTheFollowingReferenceOfTheSamePage() {
        Trace t = Trace.of("x", 1, 2, 1, 3, 2);
        assertArrayEquals(new int[] {2, 4, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE}, t.nextUses());
    }
}
