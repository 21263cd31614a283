package org.clkernel.heap.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import org.clkernel.api.heap.HeapView;
import org.junit.jupiter.api.Test;

class BlockListsTest {
    /** Two lists: blocks below 128 bytes and the rest. */
    private static int classOf(long size) {
        return size < 128 ? 0 : 1;
    }

    private final TreeMap<Long, Long> free = new TreeMap<>();
    private final HeapView view = v -> free.forEach(v::visit);

    private BlockLists lists(long... addressSize) {
        BlockLists l = new BlockLists(2);
        for (int i = 0; i < addressSize.length; i += 2) {
            free.put(addressSize[i], addressSize[i + 1]);
            l.add(classOf(addressSize[i + 1]), addressSize[i], addressSize[i + 1]);
        }
        return l;
    }

    private String check(BlockLists l) {
        return l.check(view, BlockListsTest::classOf, list -> "#" + list);
    }

    @Test
    void aListRunsFromTheBlockAddedLast() {
        BlockLists l = lists(0x1000, 64, 0x2000, 256, 0x3000, 32);
        assertEquals(0x3000, l.address(l.head(0)));
        assertEquals(0x1000, l.address(l.next(l.head(0))));
        assertEquals(BlockLists.NONE, l.next(l.next(l.head(0))));
        assertEquals(0, l.remove(0x3000));
        free.remove(0x3000L);
        assertEquals(0x1000, l.address(l.head(0)));
        assertEquals(BlockLists.NONE, l.remove(0x3000));
        assertNull(check(l));
    }

    @Test
    void anAddressIsIndexedOnce() {
        BlockLists l = lists(0x1000, 64);
        assertThrows(IllegalStateException.class, () -> l.add(0, 0x1000, 64));
        assertEquals(1, l.size());
        assertNull(check(l));
    }

    @Test
    void theCheckNamesABlockTheHeapDoesNotKnow() {
        BlockLists l = lists(0x1000, 64, 0x3000, 64);
        l.add(1, 0x2000, 512);
        assertEquals("block 0x2000 of 512 bytes is indexed but not free in the heap", check(l));
        l.remove(0x2000);
        free.put(0x4000L, 96L);
        assertEquals("block 0x4000 of 96 bytes is not indexed", check(l));
        free.put(0x4000L, 128L);
        l.add(0, 0x4000, 96);
        assertEquals("block 0x4000 is indexed with size 96, the heap says 128", check(l));
    }

    @Test
    void theCheckNamesABlockOnTheWrongList() {
        BlockLists l = lists(0x1000, 64);
        free.put(0x2000L, 512L);
        l.add(0, 0x2000, 512);
        assertEquals("block 0x2000 of 512 bytes is on list #0, its class is #1", check(l));
    }

    @Property(tries = 200)
    void agreesWithAMap(@ForAll("ops") List<long[]> ops) {
        BlockLists l = new BlockLists(2);
        Map<Long, Long> model = new HashMap<>();
        for (long[] op : ops) {
            long a = op[1] * 8;
            if (op[0] == 0 && !model.containsKey(a)) {
                model.put(a, op[2]);
                l.add(classOf(op[2]), a, op[2]);
            } else if (op[0] == 1) {
                Long size = model.remove(a);
                assertEquals(size == null ? BlockLists.NONE : classOf(size), l.remove(a));
            }
            int slot = l.slotOf(a);
            assertEquals(model.get(a), slot == BlockLists.NONE ? null : l.size(slot));
        }
        TreeMap<Long, Long> heap = new TreeMap<>(model);
        assertNull(l.check(v -> heap.forEach(v::visit), BlockListsTest::classOf, list -> "#" + list));
        assertEquals(model.size(), l.size());
    }

    @Provide
    Arbitrary<List<long[]>> ops() {
        return Arbitraries.longs().between(0, 1).flatMap(op -> Arbitraries.longs().between(0, 200)
                .map(a -> new long[] {op, a, 32 + (a % 24) * 8})).list().ofMaxSize(400);
    }
}
