package org.clkernel.paging.replay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * A page reference string, read from a file. Page ids are renumbered densely (0 to
 * {@link #distinct()} - 1, in order of first reference) so that replays can use arrays.
 *
 * <p>Formats, plain or gzipped (by the {@code .gz} suffix):
 * <ul>
 * <li>{@code .txt}: one page id a line;</li>
 * <li>{@code .lis} (the ARC traces): {@code start_block num_blocks ignore request_no} a line,
 *     standing for {@code num_blocks} consecutive pages from {@code start_block}.</li>
 * </ul>
 * Blank lines and lines starting with '#' are skipped; any other malformed line is an error that
 * names the file and line.
 */
public final class Trace {
    private final String name;
    private final int[] pages;
    private final int distinct;

    Trace(String name, int[] pages, int distinct) {
        this.name = name;
        this.pages = pages;
        this.distinct = distinct;
    }

    public static Trace read(Path file) throws IOException {
        String fileName = file.getFileName().toString();
        String base = fileName.endsWith(".gz") ? fileName.substring(0, fileName.length() - 3) : fileName;
        boolean lis = base.endsWith(".lis");
        if (!lis && !base.endsWith(".txt")) {
            throw new IllegalArgumentException(fileName + ": unknown trace format (expected .txt or .lis, optionally .gz)");
        }
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = fileName.endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
                BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII), 1 << 16)) {
            return parse(fileName, lines, lis);
        }
    }

    /** A trace from page ids given directly (tests, generated workloads). */
    public static Trace of(String name, long... pageIds) {
        Builder b = new Builder();
        for (long p : pageIds) {
            b.add(p);
        }
        return b.build(name);
    }

    private static Trace parse(String name, BufferedReader lines, boolean lis) throws IOException {
        Builder b = new Builder();
        String line;
        for (long number = 1; (line = lines.readLine()) != null; number++) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            try {
                if (lis) {
                    String[] f = t.split("\\s+");
                    long start = Long.parseLong(f[0]);
                    long count = Long.parseLong(f[1]);
                    if (start < 0 || count < 0 || count > 1 << 20) {
                        throw new NumberFormatException();
                    }
                    for (long i = 0; i < count; i++) {
                        b.add(start + i);
                    }
                } else {
                    long page = Long.parseLong(t);
                    if (page < 0) {
                        throw new NumberFormatException();
                    }
                    b.add(page);
                }
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                throw new IllegalArgumentException(name + " line " + number + ": '" + abbreviate(t) + "' is not "
                        + (lis ? "'start_block num_blocks ignore request_no'" : "a page id"));
            }
        }
        return b.build(name);
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    public String name() {
        return name;
    }

    /** Number of references. */
    public int length() {
        return pages.length;
    }

    /** Number of distinct pages. */
    public int distinct() {
        return distinct;
    }

    /** The dense id of the page at this position. */
    public int page(int position) {
        return pages[position];
    }

    /**
     * For each position, the next position that references the same page, or
     * {@link Integer#MAX_VALUE} if none does: what Belady's OPT needs.
     */
    int[] nextUses() {
        int[] next = new int[pages.length];
        int[] last = new int[distinct];
        Arrays.fill(last, Integer.MAX_VALUE);
        for (int i = pages.length - 1; i >= 0; i--) {
            next[i] = last[pages[i]];
            last[pages[i]] = i;
        }
        return next;
    }

    /** Collects references, renumbering page ids densely. */
    static final class Builder {
        private final Map<Long, Integer> ids = new HashMap<>();
        private int[] pages = new int[1 << 16];
        private int length;

        void add(long pageId) {
            Integer id = ids.get(pageId);
            if (id == null) {
                id = ids.size();
                ids.put(pageId, id);
            }
            if (length == pages.length) {
                pages = Arrays.copyOf(pages, pages.length * 2);
            }
            pages[length++] = id;
        }

        Trace build(String name) {
            return new Trace(name, Arrays.copyOf(pages, length), ids.size());
        }
    }
}
