package org.clkernel.replacement.lecar;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

import org.clkernel.api.replacement.PolicyHost;
import org.clkernel.api.replacement.ReplacementPolicy;
import org.clkernel.replacement.support.PageSlots;
import org.clkernel.replacement.support.ResidentQueue;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * LeCaR, after G. Vietri, L. V. Rodriguez, W. A. Martinez, S. Lyons, J. Liu, R. Rangaswami,
 * M. Zhao and G. Narasimhan, "Driving Cache Replacement with ML-based LeCaR", USENIX HotStorage
 * 2018: two experts, LRU and LFU, each propose a victim; the victim is drawn from the two with
 * probabilities {@code w_LRU} and {@code w_LFU} and remembered, with the time of its eviction, in
 * the FIFO history (as long as the cache) of the expert that chose it. A miss on a page in an
 * expert's history is that expert's regret: its weight is multiplied by {@code exp(-lambda r)},
 * {@code r = d^t} for the t references since the eviction, and the weights are normalised. The
 * paper raises the other expert's weight by {@code exp(lambda r)} instead; after normalisation the
 * two are the same. Defaults are the paper's: {@code lambda = 0.45}, {@code d = 0.005^(1/N)} for
 * N frames, weights 0.5 and 0.5 at the start.
 *
 * <p>LFU counts the references of a page since its admission and breaks ties by recency (the
 * least recently used of the least frequently used). Time counts references: admissions and hits.
 *
 * <p>The draws are deterministic: the k-th eviction (from 0) compares the first double of a
 * {@link SplittableRandom} seeded with {@code seed + k} with {@code w_LRU}. So the eviction order
 * can foresee the draws of the evictions to come (for no miss, the weights do not change between
 * them) without consuming them.
 */
@Component(service = ReplacementPolicy.class, scope = ServiceScope.PROTOTYPE,
        property = {ReplacementPolicy.NAME + "=lecar", "service.ranking:Integer=-10"})
public final class LecarPolicy implements ReplacementPolicy {
    /** The paper's learning rate. */
    static final double LEARNING_RATE = 0.45;
    /** The discount reaches this after N references in a history (the paper's 0.005^(1/N)). */
    static final double DISCOUNT_BASE = 0.005;
    static final long DEFAULT_SEED = 0x1EC4L;

    private final long seed;
    private int frames;
    private double discount;
    private double wLru;
    private double wLfu;
    /** References so far (admissions and hits). */
    private long now;
    /** Evictions so far: the next eviction draws with {@code seed + evictions}. */
    private long evictions;

    private ResidentQueue lru;
    private PageSlots slots;
    private long[] frequency;
    private long[] lastUse;
    /** Resident slots, least frequently then least recently used first. */
    private TreeSet<Integer> lfu;
    /** Evicted page to the time of its eviction, oldest eviction first. */
    private LinkedHashMap<Long, Long> lruHistory;
    private LinkedHashMap<Long, Long> lfuHistory;

    public LecarPolicy() {
        this(DEFAULT_SEED);
    }

    LecarPolicy(long seed) {
        this.seed = seed;
    }

    @Override
    public void init(int frames, PolicyHost host) {
        this.frames = frames;
        discount = Math.pow(DISCOUNT_BASE, 1.0 / frames);
        wLru = 0.5;
        wLfu = 0.5;
        now = 0;
        evictions = 0;
        lru = new ResidentQueue(frames);
        slots = new PageSlots(frames);
        frequency = new long[frames];
        lastUse = new long[frames];
        lfu = new TreeSet<>((a, b) -> frequency[a] != frequency[b]
                ? Long.compare(frequency[a], frequency[b]) : Long.compare(lastUse[a], lastUse[b]));
        lruHistory = history(frames);
        lfuHistory = history(frames);
    }

    private static LinkedHashMap<Long, Long> history(int capacity) {
        return new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
                return size() > capacity;
            }
        };
    }

    @Override
    public void admitted(long page) {
        learn(page);
        lru.addLast(page);
        int slot = slots.add(page);
        frequency[slot] = 1;
        lastUse[slot] = now++;
        lfu.add(slot);
    }

    @Override
    public void referenced(long page) {
        lru.moveToLast(page);
        int slot = slotOf(page);
        lfu.remove(slot);
        frequency[slot]++;
        lastUse[slot] = now++;
        lfu.add(slot);
    }

    @Override
    public long evict(long incoming) {
        if (lru.size() == 0) {
            throw new IllegalStateException("no page is resident");
        }
        if (incoming != NO_PAGE) {
            learn(incoming);
        }
        boolean byLru = drawsLru(evictions++, wLru);
        long victim = byLru ? lru.first() : slots.page(lfu.first());
        forget(victim);
        (byLru ? lruHistory : lfuHistory).put(victim, now);
        return victim;
    }

    @Override
    public void removed(long page) {
        forget(page);
    }

    @Override
    public int resident() {
        return lru.size();
    }

    /**
     * The pages in the order of the evictions to come for no miss: each takes the first page of
     * the LRU or the LFU order not yet taken, as its draw decides with the present weights.
     */
    @Override
    public long[] evictionOrder() {
        long[] byRecency = lru.toArray();
        long[] byFrequency = new long[byRecency.length];
        int n = 0;
        for (int slot : lfu) {
            byFrequency[n++] = slots.page(slot);
        }
        long[] order = new long[byRecency.length];
        Set<Long> taken = new HashSet<>();
        int r = 0;
        int f = 0;
        for (int k = 0; k < order.length; k++) {
            long page;
            if (drawsLru(evictions + k, wLru)) {
                while (taken.contains(byRecency[r])) {
                    r++;
                }
                page = byRecency[r];
            } else {
                while (taken.contains(byFrequency[f])) {
                    f++;
                }
                page = byFrequency[f];
            }
            taken.add(page);
            order[k] = page;
        }
        return order;
    }

    /** Whether the eviction with this number follows LRU, given LRU's weight. */
    private boolean drawsLru(long eviction, double lruWeight) {
        return new SplittableRandom(seed + eviction).nextDouble() < lruWeight;
    }

    /**
     * A missing page: when an expert's history holds it, that expert evicted it wrongly; it leaves
     * the history and the expert's weight drops by the discounted regret.
     */
    private void learn(long page) {
        Long evictedAt = lruHistory.remove(page);
        boolean lruRegret = evictedAt != null;
        if (!lruRegret) {
            evictedAt = lfuHistory.remove(page);
            if (evictedAt == null) {
                return;
            }
        }
        double penalty = Math.exp(-LEARNING_RATE * Math.pow(discount, now - evictedAt));
        if (lruRegret) {
            wLru *= penalty;
        } else {
            wLfu *= penalty;
        }
        double sum = wLru + wLfu;
        wLru /= sum;
        wLfu /= sum;
    }

    private void forget(long page) {
        int slot = slotOf(page);
        lfu.remove(slot);
        slots.remove(slot);
        lru.remove(page);
    }

    private int slotOf(long page) {
        int slot = slots.slotOf(page);
        if (slot == PageSlots.NONE) {
            throw new IllegalArgumentException("page " + page + " is not resident");
        }
        return slot;
    }

    double lruWeight() {
        return wLru;
    }

    double lfuWeight() {
        return wLfu;
    }

    /** The LRU expert's history, oldest eviction first. */
    long[] lruHistory() {
        return lruHistory.keySet().stream().mapToLong(Long::longValue).toArray();
    }

    /** The LFU expert's history, oldest eviction first. */
    long[] lfuHistory() {
        return lfuHistory.keySet().stream().mapToLong(Long::longValue).toArray();
    }

    /** The walk of the structures: the first broken element, or {@code null}. */
    String check() {
        String broken = lru.check();
        if (broken == null) {
            broken = slots.check();
        }
        if (broken == null && (slots.size() != lru.size() || lfu.size() != lru.size())) {
            broken = "LRU holds " + lru.size() + " pages, the slots " + slots.size() + ", LFU " + lfu.size();
        }
        if (broken == null) {
            for (Iterator<Integer> i = lfu.iterator(); i.hasNext(); ) {
                long page = slots.page(i.next());
                if (!lru.contains(page)) {
                    broken = "page " + page + " is in LFU order but not in LRU order";
                } else if (lruHistory.containsKey(page) || lfuHistory.containsKey(page)) {
                    broken = "resident page " + page + " is in a history";
                }
            }
        }
        if (broken == null && (lruHistory.size() > frames || lfuHistory.size() > frames)) {
            broken = "a history holds more than " + frames + " pages";
        }
        if (broken == null && Math.abs(wLru + wLfu - 1) > 1e-9) {
            broken = "weights " + wLru + " + " + wLfu + " do not sum to 1";
        }
        return broken;
    }

    @Override
    public String toString() {
        return "LeCaR[w_LRU=" + wLru + ", LRU " + Arrays.toString(lru.toArray()) + "]";
    }
}
