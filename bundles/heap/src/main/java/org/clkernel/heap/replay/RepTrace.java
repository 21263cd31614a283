package org.clkernel.heap.replay;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * A heap trace in the CS:APP malloc-lab {@code .rep} format, so that the lab's traces, and traces
 * written for it since, run unchanged on the kernel heap. The file is a header of four lines (the
 * suggested heap size, the number of block ids, the number of operations, a weight; the lab's
 * driver used neither the first nor the last), then one operation a line: {@code a id bytes}
 * allocates block {@code id}, {@code r id bytes} resizes it, {@code f id} frees it.
 *
 * <p>The rules a trace must keep, checked when it is read or made:
 * <ul>
 * <li>every header line is one whole number 0 or more; ids and operations fit an {@code int};
 * <li>an id is below the header's number of ids; the header may give more ids than the trace uses
 *     (the lab's driver asserted the largest id is exactly one below the number, which its traces
 *     keep; an unused id harms nothing, so it is accepted here);
 * <li>a size is a whole number from 0 to {@value #MAX_SIZE}, the largest the lab's driver held in
 *     its {@code int}; a size of 0 is legal, see {@link HeapReplay} for what the replay asks of
 *     the heap then;
 * <li>{@code a} names an id that is not live; {@code r} and {@code f} name an id that is; an id
 *     freed may be allocated again. {@code r} never ends a block's life, whatever its size (the
 *     2016 driver let {@code r id 0} free the block, as C allows; here only {@code f} frees);
 * <li>the number of operations equals the header's exactly, as the lab's driver asserted: a file
 *     that ends early or runs on is taken for a damaged one, not guessed at;
 * <li>blank lines and leading and trailing white space are skipped; fields are separated by any
 *     run of spaces or tabs. A trace need not free all its blocks by its end.
 * </ul>
 * Every broken rule is an {@link IllegalArgumentException} of one line, {@code "NAME line N: what
 * is wrong"}. The operations are kept in three flat arrays, so a trace of millions of operations
 * stays small.
 */
public final class RepTrace {
    /** Operation kinds as the file spells them. */
    public static final char ALLOCATE = 'a';
    public static final char REALLOCATE = 'r';
    public static final char FREE = 'f';
    /** The largest block size accepted, that of a C {@code int}. */
    public static final long MAX_SIZE = Integer.MAX_VALUE;

    private final String name;
    private final long suggestedHeapSize;
    private final int ids;
    private final long weight;
    private final byte[] kinds;
    private final int[] blockIds;
    private final long[] sizes;

    RepTrace(String name, long suggestedHeapSize, int ids, long weight, byte[] kinds, int[] blockIds, long[] sizes) {
        this.name = name;
        this.suggestedHeapSize = suggestedHeapSize;
        this.ids = ids;
        this.weight = weight;
        this.kinds = kinds;
        this.blockIds = blockIds;
        this.sizes = sizes;
    }

    /**
     * Reads a trace, plain text or gzip (told apart by the magic bytes 0x1f 0x8b).
     *
     * @param name what messages call the trace, usually its file name
     * @throws IllegalArgumentException when the text breaks a rule of the format
     * @throws IOException              when the stream cannot be read or is a damaged gzip
     */
    public static RepTrace parse(InputStream in, String name) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in);
        buffered.mark(2);
        int first = buffered.read();
        int second = buffered.read();
        buffered.reset();
        InputStream text = first == 0x1f && second == 0x8b ? new GZIPInputStream(buffered) : buffered;
        return new RepReader(name).read(text);
    }

    /** Reads a trace file, named in messages by its file name. */
    public static RepTrace read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.getFileName().toString());
        }
    }

    /** Writes the trace in the format {@link #parse} reads, one operation a line. */
    public void write(Writer out) throws IOException {
        StringBuilder line = new StringBuilder(32);
        out.write(suggestedHeapSize + "\n" + ids + "\n" + operations() + "\n" + weight + "\n");
        for (int i = 0; i < kinds.length; i++) {
            line.setLength(0);
            line.append(operation(i)).append('\n');
            out.append(line);
        }
        out.flush();
    }

    public String name() {
        return name;
    }

    /** The header's suggested heap size in bytes; nothing here depends on it. */
    public long suggestedHeapSize() {
        return suggestedHeapSize;
    }

    /** The header's number of ids: every id is below it. */
    public int ids() {
        return ids;
    }

    /** The header's weight; nothing here depends on it. */
    public long weight() {
        return weight;
    }

    public int operations() {
        return kinds.length;
    }

    /** {@link #ALLOCATE}, {@link #REALLOCATE} or {@link #FREE}. */
    public char kind(int op) {
        return (char) kinds[op];
    }

    public int id(int op) {
        return blockIds[op];
    }

    /** Bytes asked for; 0 for a free. */
    public long size(int op) {
        return sizes[op];
    }

    /** Operation {@code op} as its line in the file, as {@code "a 17 96"}. */
    public String operation(int op) {
        return kinds[op] == FREE ? "f " + blockIds[op] : kind(op) + " " + blockIds[op] + " " + sizes[op];
    }

    /**
     * The largest sum of the sizes of the live blocks over the trace: the heap a perfect
     * allocator, with no header and no gap, would need.
     */
    public long peakLiveBytes() {
        long[] live = new long[ids];
        long now = 0;
        long peak = 0;
        for (int i = 0; i < kinds.length; i++) {
            int id = blockIds[i];
            long size = kinds[i] == FREE ? 0 : sizes[i];
            now += size - live[id];
            live[id] = size;
            peak = Math.max(peak, now);
        }
        return peak;
    }

    /** How many blocks the trace leaves allocated at its end. */
    public int liveAtEnd() {
        int count = 0;
        for (byte kind : kinds) {
            count += kind == ALLOCATE ? 1 : kind == FREE ? -1 : 0;
        }
        return count;
    }
}
