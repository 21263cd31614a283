package org.clkernel.heap.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import org.junit.jupiter.api.Test;

class LongTreeTest {

    @Test
    void ascendingKeysStayBalanced() {
        LongTree t = new LongTree(2);
        for (long k = 1; k <= 1000; k++) {
            assertTrue(t.put(k, -k));
        }
        assertNull(t.check());
        assertEquals(1000, t.size());
        assertEquals(-500, t.value(t.find(500)));
        long[] keys = new long[1000];
        t.copyInOrder(keys, new long[1000]);
        assertEquals(1, keys[0]);
        assertEquals(1000, keys[999]);
    }

    @Test
    void ceilingHigherAndFirst() {
        LongTree t = new LongTree();
        for (long k : new long[] {40, 10, 30, 20}) {
            t.put(k, k * 2);
        }
        assertEquals(10, t.key(t.first()));
        assertEquals(30, t.key(t.ceiling(30)));
        assertEquals(30, t.key(t.ceiling(21)));
        assertEquals(40, t.key(t.higher(30)));
        assertEquals(LongTree.NIL, t.higher(40));
        assertEquals(LongTree.NIL, t.ceiling(41));
        assertEquals(10, t.key(t.ceiling(Long.MIN_VALUE)));
    }

    @Test
    void putReplacesTheValueOfAKnownKey() {
        LongTree t = new LongTree();
        assertTrue(t.put(7, 1));
        assertFalse(t.put(7, 2));
        assertEquals(1, t.size());
        assertEquals(2, t.value(t.find(7)));
    }

    @Test
    void removeTakesOutInnerNodesAndLeavesTheRestFindable() {
        LongTree t = new LongTree();
        for (long k = 0; k < 64; k++) {
            t.put(k * 8, k);
        }
        for (long k = 0; k < 64; k += 3) {
            assertTrue(t.remove(k * 8));
        }
        assertFalse(t.remove(0));
        assertNull(t.check());
        assertEquals(LongTree.NIL, t.find(24));
        assertEquals(32, t.key(t.ceiling(24)));
        t.clear();
        assertEquals(LongTree.NIL, t.first());
        assertNull(t.check());
    }

    @Property(tries = 200)
    void agreesWithATreeMap(@ForAll("ops") List<long[]> ops) {
        LongTree t = new LongTree(1);
        TreeMap<Long, Long> model = new TreeMap<>();
        for (long[] op : ops) {
            long k = op[1];
            switch ((int) op[0]) {
                case 0 -> assertEquals(model.put(k, op[2]) == null, t.put(k, op[2]));
                case 1 -> assertEquals(model.remove(k) != null, t.remove(k));
                default -> {
                    Map.Entry<Long, Long> c = model.ceilingEntry(k);
                    int n = t.ceiling(k);
                    assertEquals(c == null ? null : c.getKey(), n == LongTree.NIL ? null : t.key(n));
                    Map.Entry<Long, Long> h = model.higherEntry(k);
                    n = t.higher(k);
                    assertEquals(h == null ? null : h.getValue(), n == LongTree.NIL ? null : t.value(n));
                }
            }
            assertNull(t.check());
            assertEquals(model.size(), t.size());
        }
        long[] keys = new long[t.size()];
        t.copyInOrder(keys, new long[t.size()]);
        assertArrayEquals(model.keySet().stream().mapToLong(Long::longValue).toArray(), keys);
    }

    @Provide
    Arbitrary<List<long[]>> ops() {
        return Arbitraries.longs().between(0, 2).flatMap(op -> Arbitraries.longs().between(0, 300)
                .map(k -> new long[] {op, k, k * 3 + op})).list().ofMaxSize(300);
    }
}
