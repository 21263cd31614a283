package org.clkernel.heap.replay;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code .rep} reader and writer: good traces, gzip, and every rule broken once, with its message. */
class RepTraceTest {
    /** The example of the lab's trace README. */
    static final String EXAMPLE = "20000\n3\n8\n1\na 0 512\na 1 128\nr 0 640\na 2 128\nf 1\nr 0 768\nf 0\nf 2\n";

    static RepTrace parse(String text) {
        try {
            return RepTrace.parse(new ByteArrayInputStream(text.getBytes(US_ASCII)), "t.rep");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static void assertRejected(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(text));
        assertEquals(message, e.getMessage());
    }

    static String written(RepTrace trace) throws IOException {
        StringWriter out = new StringWriter();
        trace.write(out);
        return out.toString();
    }

    @Test
    void readsTheLabsExample() {
        RepTrace t = parse(EXAMPLE);
        assertEquals("t.rep", t.name());
        assertEquals(20000, t.suggestedHeapSize());
        assertEquals(3, t.ids());
        assertEquals(8, t.operations());
        assertEquals(1, t.weight());
        assertEquals(RepTrace.REALLOCATE, t.kind(2));
        assertEquals(0, t.id(2));
        assertEquals(640, t.size(2));
        assertEquals(RepTrace.FREE, t.kind(4));
        assertEquals(0, t.size(4));
        assertEquals("a 1 128", t.operation(1));
        assertEquals("f 1", t.operation(4));
        assertEquals(512 + 128 + 128 + 128, t.peakLiveBytes());
        assertEquals(0, t.liveAtEnd());
    }

    @Test
    void skipsBlankLinesAndWhiteSpaceAndCountsThemInLineNumbers() {
        RepTrace t = parse("\n 100 \r\n2\t\n\n3\n0\n\n  a\t0   8  \r\n\nf 0\n   \na 1 0\n\n");
        assertEquals(3, t.operations());
        assertEquals("a 0 8", t.operation(0));
        assertEquals("a 1 0", t.operation(2));
        assertEquals(1, t.liveAtEnd());
        assertRejected("\n1\n\n1\n1\n1\n\nf 0\n", "t.rep line 8: f of id 0, which was never allocated");
    }

    @Test
    void acceptsSizeZeroUnusedIdsAndIdsAllocatedAgain() {
        RepTrace t = parse("0\n10\n6\n0\na 0 0\nr 0 0\nr 0 16\nf 0\na 0 24\nf 0\n");
        assertEquals(6, t.operations());
        assertEquals(0, t.size(0));
        assertEquals(24, t.peakLiveBytes());
        assertEquals(10, t.ids());
    }

    @Test
    void readsAnEmptyTrace() {
        RepTrace t = parse("0\n0\n0\n0\n");
        assertEquals(0, t.operations());
        assertEquals(0, t.peakLiveBytes());
    }

    @Test
    void readsGzip() throws IOException {
        RepTrace t = RepTrace.parse(new ByteArrayInputStream(gzip(EXAMPLE)), "t.rep.gz");
        assertEquals(8, t.operations());
        assertEquals(EXAMPLE, written(t));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RepTrace.parse(
                new ByteArrayInputStream(gzip("1\n1\n1\n1\nf 0\n")), "bad.rep.gz"));
        assertEquals("bad.rep.gz line 5: f of id 0, which was never allocated", e.getMessage());
    }

    @Test
    void readsAFileNamedByItsFileName(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("short1-bal.rep");
        Files.writeString(file, "1\n1\n2\n1\na 0 8\nf 9\n", US_ASCII);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RepTrace.read(file));
        assertEquals("short1-bal.rep line 6: id 9 is out of range: the header gives 1 ids", e.getMessage());
        Files.writeString(file, EXAMPLE, US_ASCII);
        assertEquals("short1-bal.rep", RepTrace.read(file).name());
    }

    @Test
    void writesTheFormatItReads() throws IOException {
        assertEquals(EXAMPLE, written(parse(EXAMPLE)));
        assertEquals("0\n0\n0\n0\n", written(parse("0\n0\n0\n0\n")));
        String messy = "5\n4\n3\n2\n  a 3  0\n\nr 3 7 \nf 3\n";
        assertEquals("5\n4\n3\n2\na 3 0\nr 3 7\nf 3\n", written(parse(messy)));
    }

    @Test
    void rejectsAShortHeader() {
        assertRejected("", "t.rep line 1: the file ends before the suggested heap size");
        assertRejected("20000\n3\n", "t.rep line 3: the file ends before the number of operations");
        assertRejected("20000\n3\n8\n\n", "t.rep line 5: the file ends before the weight");
    }

    @Test
    void rejectsBadHeaderNumbers() {
        assertRejected("20000 1\n", "t.rep line 1: expected the suggested heap size alone, found \"20000 1\"");
        assertRejected("x\n", "t.rep line 1: suggested heap size \"x\" is not a whole number 0 or more");
        assertRejected("1\n-1\n", "t.rep line 2: number of ids \"-1\" is not a whole number 0 or more");
        assertRejected("1\n+1\n", "t.rep line 2: number of ids \"+1\" is not a whole number 0 or more");
        assertRejected("1\n3000000000\n", "t.rep line 2: number of ids 3000000000 is above 2147483647");
        assertRejected("1\n1\n2.5\n", "t.rep line 3: number of operations \"2.5\" is not a whole number 0 or more");
        assertRejected("1\n1\n1\n99999999999999999999\n",
                "t.rep line 4: weight 99999999999999999999 is above 9223372036854775807");
        assertEquals(7, parse("1\n1\n0\n0000000000000000000007\n").weight());
    }

    @Test
    void rejectsMalformedOperations() {
        String h = "1\n3\n2\n1\n";
        assertRejected(h + "x 1 2\n", "t.rep line 5: unknown operation \"x\": expected a, r or f");
        assertRejected(h + "alloc 1 2\n", "t.rep line 5: unknown operation \"alloc\": expected a, r or f");
        assertRejected(h + "a 1\n", "t.rep line 5: expected \"a id bytes\", found \"a 1\"");
        assertRejected(h + "r 1 2 3\n", "t.rep line 5: expected \"r id bytes\", found \"r 1 2 3\"");
        assertRejected(h + "f 1 2\n", "t.rep line 5: expected \"f id\", found \"f 1 2\"");
        assertRejected(h + "a x 5\n", "t.rep line 5: id \"x\" is not a whole number 0 or more");
        assertRejected(h + "a -1 5\n", "t.rep line 5: id \"-1\" is not a whole number 0 or more");
        assertRejected(h + "a 0 -5\n", "t.rep line 5: size \"-5\" is not a whole number 0 or more");
        assertRejected(h + "a 0 2147483648\n", "t.rep line 5: size 2147483648 is above 2147483647");
        assertRejected(h + "a 0 " + "9".repeat(50) + "\n",
                "t.rep line 5: size " + "9".repeat(40) + "... is above 2147483647");
    }

    @Test
    void rejectsOperationsThatBreakBlockLives() {
        String h = "1\n3\n3\n1\n";
        assertRejected(h + "a 3 8\n", "t.rep line 5: id 3 is out of range: the header gives 3 ids");
        assertRejected(h + "a 0 8\na 0 8\n", "t.rep line 6: id 0 is allocated again while live (since line 5)");
        assertRejected(h + "f 1\n", "t.rep line 5: f of id 1, which was never allocated");
        assertRejected(h + "r 2 8\n", "t.rep line 5: r of id 2, which was never allocated");
        assertRejected(h + "a 0 8\nf 0\nr 0 16\n", "t.rep line 7: r of id 0, which was freed at line 6");
        assertRejected(h + "a 0 8\nf 0\nf 0\n", "t.rep line 7: f of id 0, which was freed at line 6");
    }

    @Test
    void holdsTheOperationCountToTheHeader() {
        assertRejected("1\n1\n1\n1\na 0 8\nf 0\n", "t.rep line 6: more operations than the header's 1");
        assertRejected("1\n1\n3\n1\na 0 8\nf 0\n", "t.rep line 7: the file ends after 2 of the header's 3 operations");
        assertRejected("1\n1\n3\n1\na 0 8\nf 0\n\n\n",
                "t.rep line 9: the file ends after 2 of the header's 3 operations");
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(text.getBytes(US_ASCII));
        }
        return bytes.toByteArray();
    }
}
