package org.clkernel.heap;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.clkernel.api.heap.KernelHeap.HeapChecks;

/**
 * The heap's configuration read from Config Admin properties. Values may come typed (a Boolean, a
 * Long) or as strings, as a configuration file or the shell gives them. A value that does not parse
 * keeps the current setting and is named in {@link #problems}: a configuration cannot be refused,
 * only reported.
 */
record HeapConfiguration(String strategy, HeapChecks checks, List<String> problems) {
    static final String STRATEGY = "strategy";
    static final String CANARY = "check.canary";
    static final String POISON = "poison";
    static final String QUARANTINE = "quarantine.bytes";
    static final String ZERO = "zero.on.free";

    static HeapConfiguration parse(Map<String, Object> p, HeapChecks current) {
        List<String> problems = new ArrayList<>();
        Object s = p.get(STRATEGY);
        String strategy = s == null ? "" : s.toString().trim();
        boolean canary = bool(p, CANARY, HeapChecks.DEFAULTS.canary(), current.canary(), problems);
        boolean poison = bool(p, POISON, HeapChecks.DEFAULTS.poison(), current.poison(), problems);
        boolean zero = bool(p, ZERO, HeapChecks.DEFAULTS.zeroOnFree(), current.zeroOnFree(), problems);
        long quarantine = HeapChecks.DEFAULTS.quarantineBytes();
        Object q = p.get(QUARANTINE);
        if (q != null) {
            try {
                quarantine = Long.parseLong(q.toString().trim());
                if (quarantine < 0) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                problems.add(QUARANTINE + "=" + q + " is not a number of bytes 0 or more; kept " + current.quarantineBytes());
                quarantine = current.quarantineBytes();
            }
        }
        return new HeapConfiguration(strategy, new HeapChecks(canary, poison, quarantine, zero), List.copyOf(problems));
    }

    /** A boolean property: absent gives the default, a bad value keeps the current one. */
    private static boolean bool(Map<String, Object> p, String key, boolean byDefault, boolean current, List<String> problems) {
        Object v = p.get(key);
        if (v == null) {
            return byDefault;
        }
        String text = v.toString().trim();
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        problems.add(key + "=" + v + " is not true or false; kept " + current);
        return current;
    }
}
