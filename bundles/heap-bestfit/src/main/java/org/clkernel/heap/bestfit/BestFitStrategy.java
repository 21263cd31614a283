package org.clkernel.heap.bestfit;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import org.clkernel.api.heap.HeapView;
import org.clkernel.api.heap.PlacementStrategy;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * Best fit: the smallest free block that is large enough, the lowest address among equals. The
 * index is sorted by size (size to addresses), so a search is O(log n) and leaves the large blocks
 * whole for large requests.
 *
 * <p>Prototype scope: every heap that binds it gets an index of its own.
 */
@Component(service = PlacementStrategy.class, scope = ServiceScope.PROTOTYPE,
        property = {PlacementStrategy.NAME + "=best-fit", "service.ranking:Integer=10"})
public final class BestFitStrategy implements PlacementStrategy {
    /** Invariant: an address is in {@code bySize} under size s exactly when {@code sizes} maps it to s. */
    private final TreeMap<Long, TreeSet<Long>> bySize = new TreeMap<>();
    private final Map<Long, Long> sizes = new HashMap<>();

    @Override
    public void attach(HeapView view) {
        detach();
        view.forEachFree(this::blockFreed);
    }

    @Override
    public void detach() {
        bySize.clear();
        sizes.clear();
    }

    @Override
    public void blockFreed(long address, long size) {
        blockUsed(address); // a block reported twice is indexed once, with its latest size
        sizes.put(address, size);
        bySize.computeIfAbsent(size, s -> new TreeSet<>()).add(address);
    }

    @Override
    public void blockUsed(long address) {
        Long size = sizes.remove(address);
        if (size != null) {
            TreeSet<Long> same = bySize.get(size);
            same.remove(address);
            if (same.isEmpty()) {
                bySize.remove(size);
            }
        }
    }

    @Override
    public long find(long size) {
        Map.Entry<Long, TreeSet<Long>> fit = bySize.ceilingEntry(size);
        return fit == null ? 0 : fit.getValue().first();
    }

    /** Free blocks indexed. */
    public int size() {
        return sizes.size();
    }

    /** The integrity walk of the index: the first entry on which the two maps disagree, or {@code null}. */
    public String check() {
        int n = 0;
        for (Map.Entry<Long, TreeSet<Long>> e : bySize.entrySet()) {
            if (e.getValue().isEmpty()) {
                return "size " + e.getKey() + " has an empty address set";
            }
            for (long a : e.getValue()) {
                if (!e.getKey().equals(sizes.get(a))) {
                    return String.format("block 0x%x is indexed under size %d but recorded as %s", a, e.getKey(), sizes.get(a));
                }
                n++;
            }
        }
        return n == sizes.size() ? null : "the size index holds " + n + " blocks, the address map " + sizes.size();
    }
}
