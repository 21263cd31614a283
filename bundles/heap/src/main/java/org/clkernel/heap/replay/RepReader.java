package org.clkernel.heap.replay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The text side of the {@code .rep} format: lines, fields and numbers. What the fields mean for
 * the blocks is left to {@link TraceRules}, so this class only says whether a line is well formed.
 */
final class RepReader {
    private static final String[] HEADER = {"suggested heap size", "number of ids", "number of operations", "weight"};
    /** Longest piece of a bad line quoted in a message. */
    private static final int QUOTE = 40;

    private final String name;
    private int line;

    RepReader(String name) {
        this.name = name;
    }

    RepTrace read(InputStream in) throws IOException {
        BufferedReader text = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1));
        long[] header = new long[HEADER.length];
        for (int i = 0; i < HEADER.length; i++) {
            String[] fields = next(text);
            if (fields == null) {
                line++;
                throw error("the file ends before the " + HEADER[i]);
            }
            if (fields.length != 1) {
                throw error("expected the " + HEADER[i] + " alone, found \"" + quote(fields) + "\"");
            }
            header[i] = number(fields[0], HEADER[i], i == 1 || i == 2 ? Integer.MAX_VALUE : Long.MAX_VALUE);
        }
        TraceRules rules = new TraceRules(name, header[0], (int) header[1], (int) header[2], header[3]);
        for (String[] fields = next(text); fields != null; fields = next(text)) {
            operation(fields, rules);
        }
        line++;
        return rules.finish(line);
    }

    private void operation(String[] fields, TraceRules rules) {
        String kind = fields[0];
        boolean free = kind.equals("f");
        if (!free && !kind.equals("a") && !kind.equals("r")) {
            throw error("unknown operation \"" + cut(kind) + "\": expected a, r or f");
        }
        if (fields.length != (free ? 2 : 3)) {
            throw error("expected \"" + kind + (free ? " id" : " id bytes") + "\", found \"" + quote(fields) + "\"");
        }
        long id = number(fields[1], "id", Integer.MAX_VALUE);
        long size = free ? 0 : number(fields[2], "size", RepTrace.MAX_SIZE);
        rules.add(kind.charAt(0), (int) id, size, line);
    }

    /** The fields of the next line that is not blank, or null at the end. */
    private String[] next(BufferedReader text) throws IOException {
        for (String s = text.readLine(); s != null; s = text.readLine()) {
            line++;
            String stripped = s.strip();
            if (!stripped.isEmpty()) {
                return stripped.split("[ \t\f\u000b]+");
            }
        }
        return null;
    }

    private long number(String field, String what, long max) {
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c < '0' || c > '9') {
                throw error(what + " \"" + cut(field) + "\" is not a whole number 0 or more");
            }
        }
        String digits = field.replaceFirst("^0+(?=.)", "");
        if (digits.length() > 18 || Long.parseLong(digits) > max) {
            throw error(what + " " + cut(field) + " is above " + max);
        }
        return Long.parseLong(digits);
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(name + " line " + line + ": " + what);
    }

    private static String quote(String[] fields) {
        return cut(String.join(" ", fields));
    }

    private static String cut(String s) {
        return s.length() <= QUOTE ? s : s.substring(0, QUOTE) + "...";
    }
}
