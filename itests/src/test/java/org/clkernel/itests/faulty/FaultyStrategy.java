package org.clkernel.itests.faulty;

import java.util.Map;
import java.util.TreeMap;

import org.clkernel.api.heap.HeapView;
import org.clkernel.api.heap.PlacementStrategy;

/**
 * A placement strategy that serves correctly (best fit over its own index) for a number of
 * {@code find} calls after each attach, and then misbehaves in one of these ways, on every call:
 * <ul>
 * <li>{@link #THROWS}: {@code find} throws;</li>
 * <li>{@link #USED_BLOCK}: answers the block it answered last, which the heap has since allocated;</li>
 * <li>{@link #TOO_SMALL}: answers a free block smaller than asked, when it has one indexed;</li>
 * <li>{@link #OUTSIDE}: answers an address outside the heap window.</li>
 * </ul>
 * It lives in a bundle of its own, built by the fault test, whose headers choose the misbehaviour.
 * It uses nothing but the JDK, the heap SPI and the framework API, which the bundle imports.
 */
public final class FaultyStrategy implements PlacementStrategy {
    public static final String NAME = "faulty";
    public static final String THROWS = "throws";
    public static final String USED_BLOCK = "used-block";
    public static final String TOO_SMALL = "too-small";
    public static final String OUTSIDE = "outside";
    /** In the direct map of physical memory, far below the heap window. */
    public static final long OUTSIDE_ADDRESS = 0xC0001000L;

    private final String mode;
    private final int goodFinds;
    /** Free blocks: address to size. */
    private final TreeMap<Long, Long> free = new TreeMap<>();
    private int finds;
    private long lastAnswer;

    public FaultyStrategy(String mode, int goodFinds) {
        this.mode = mode;
        this.goodFinds = goodFinds;
    }

    @Override
    public void attach(HeapView view) {
        free.clear();
        finds = 0;
        lastAnswer = 0;
        view.forEachFree(free::put);
    }

    @Override
    public void detach() {
        free.clear();
    }

    @Override
    public void blockFreed(long address, long size) {
        free.put(address, size);
    }

    @Override
    public void blockUsed(long address) {
        free.remove(address);
    }

    @Override
    public long find(long size) {
        finds++;
        if (finds <= goodFinds) {
            long best = bestFit(size);
            if (best != 0) {
                lastAnswer = best;
            }
            return best;
        }
        switch (mode) {
        case THROWS:
            throw new IllegalStateException("faulty refuses find call " + finds);
        case USED_BLOCK:
            return lastAnswer;
        case TOO_SMALL:
            for (Map.Entry<Long, Long> e : free.entrySet()) {
                if (e.getValue() < size) {
                    return e.getKey();
                }
            }
            return bestFit(size);
        case OUTSIDE:
            return OUTSIDE_ADDRESS;
        default:
            throw new IllegalStateException("faulty has no misbehaviour named '" + mode + "'");
        }
    }

    /** The smallest indexed block of at least {@code size} bytes, the lowest address among equals; 0 if none. */
    private long bestFit(long size) {
        long best = 0;
        long bestSize = Long.MAX_VALUE;
        for (Map.Entry<Long, Long> e : free.entrySet()) {
            if (e.getValue() >= size && e.getValue() < bestSize) {
                best = e.getKey();
                bestSize = e.getValue();
            }
        }
        return best;
    }

    @Override
    public String check(HeapView heap) {
        TreeMap<Long, Long> actual = new TreeMap<>();
        heap.forEachFree(actual::put);
        return actual.equals(free) ? null
                : "the index holds " + free.size() + " free blocks, the heap " + actual.size();
    }
}
