package org.clkernel.shell;

import java.util.Locale;

/** Parses what users type: numbers in 0x hex or decimal, with one clear sentence when it is wrong. */
final class Args {
    static final long MAX_U32 = 0xFFFFFFFFL;

    private Args() {
    }

    /** A 32-bit address: 0 to 0xffffffff. */
    static long address(String what, String text) {
        return number(what, text, 0, MAX_U32);
    }

    static long number(String what, String text, long min, long max) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(what + " is missing");
        }
        String t = text.trim().toLowerCase(Locale.ROOT).replace("_", "");
        boolean negative = t.startsWith("-");
        if (negative) {
            t = t.substring(1);
        }
        long value;
        try {
            if (t.startsWith("0x")) {
                if (t.length() == 2 || t.length() > 18) {
                    throw new NumberFormatException();
                }
                value = Long.parseUnsignedLong(t.substring(2), 16);
            } else {
                value = Long.parseLong(t);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " '" + text + "' is not a number (use 0x-prefixed hex or decimal)");
        }
        value = negative ? -value : value;
        if (value < min || value > max) {
            throw new IllegalArgumentException(String.format("%s '%s' is outside %s..%s", what, text, show(min), show(max)));
        }
        return value;
    }

    /** One of a fixed set of words, case-insensitive. */
    static String choice(String what, String text, String... allowed) {
        for (String a : allowed) {
            if (a.equalsIgnoreCase(text == null ? "" : text.trim())) {
                return a;
            }
        }
        throw new IllegalArgumentException(what + " '" + text + "' must be one of " + String.join(", ", allowed));
    }

    static String hex32(long value) {
        return String.format("0x%08x", value & MAX_U32);
    }

    /** 4096 -> "4 KiB", 134217728 -> "128 MiB", 1536 -> "1.5 KiB". */
    static String bytes(long n) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return (v == Math.rint(v) ? String.format("%d", (long) v) : String.format(Locale.ROOT, "%.1f", v)) + " " + units[u];
    }

    private static String show(long v) {
        return v >= 0 && v > 9 ? String.format("0x%x", v) : Long.toString(v);
    }
}
