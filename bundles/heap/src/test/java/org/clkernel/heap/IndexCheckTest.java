package org.clkernel.heap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.clkernel.api.heap.HeapView;
import org.clkernel.api.heap.PlacementStrategy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every strategy bundle's index check names the first block on which its index and the heap
 * disagree: a free block it misses, a block it holds that is not free, a block under a wrong size.
 */
class IndexCheckTest {
    private final TreeMap<Long, Long> free = new TreeMap<>();
    private final HeapView view = v -> free.forEach(v::visit);

    static Stream<String> strategies() {
        return KernelHeapPropertiesTest.STRATEGIES.keySet().stream().sorted();
    }

    private PlacementStrategy attached(String name) {
        free.put(0x1000L, 64L);
        free.put(0x3000L, 128L);
        free.put(0x5000L, 1024L);
        Supplier<PlacementStrategy> make = KernelHeapPropertiesTest.STRATEGIES.get(name);
        PlacementStrategy s = make.get();
        s.attach(view);
        assertNull(s.check(view), name + " agrees with the heap it was built from");
        return s;
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aFreeBlockTheIndexMissesIsNamed(String name) {
        PlacementStrategy s = attached(name);
        s.blockUsed(0x3000L);
        assertEquals("block 0x3000 of 128 bytes is not indexed", s.check(view), name);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void anIndexedBlockTheHeapDoesNotListIsNamed(String name) {
        PlacementStrategy s = attached(name);
        s.blockFreed(0x2000L, 96);
        assertEquals("block 0x2000 of 96 bytes is indexed but not free in the heap", s.check(view), name);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aBlockIndexedWithTheWrongSizeIsNamed(String name) {
        PlacementStrategy s = attached(name);
        s.blockFreed(0x3000L, 256);
        assertEquals("block 0x3000 is indexed with size 256, the heap says 128", s.check(view), name);
    }
}
