package org.clkernel.shell;

import java.util.Iterator;
import java.util.Map;

/** Just enough JSON for --json output: objects of strings, numbers and booleans, and arrays of them. */
final class Json {
    private Json() {
    }

    static String object(Map<String, ?> fields) {
        StringBuilder s = new StringBuilder("{");
        Iterator<? extends Map.Entry<String, ?>> it = fields.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, ?> e = it.next();
            s.append(quote(e.getKey())).append(':').append(value(e.getValue()));
            if (it.hasNext()) {
                s.append(',');
            }
        }
        return s.append('}').toString();
    }

    static String array(Iterable<?> items) {
        StringBuilder s = new StringBuilder("[");
        Iterator<?> it = items.iterator();
        while (it.hasNext()) {
            s.append(value(it.next()));
            if (it.hasNext()) {
                s.append(',');
            }
        }
        return s.append(']').toString();
    }

    @SuppressWarnings("unchecked")
    private static String value(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        if (v instanceof Map<?, ?> m) {
            return object((Map<String, ?>) m);
        }
        if (v instanceof Iterable<?> i) {
            return array(i);
        }
        return quote(v.toString());
    }

    static String quote(String s) {
        StringBuilder q = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                default -> {
                    if (c < 0x20) {
                        q.append(String.format("\\u%04x", (int) c));
                    } else {
                        q.append(c);
                    }
                }
            }
        }
        return q.append('"').toString();
    }
}
