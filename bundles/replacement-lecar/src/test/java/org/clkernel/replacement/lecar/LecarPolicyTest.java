package org.clkernel.replacement.lecar;

import static org.clkernel.api.replacement.ReplacementPolicy.NO_PAGE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;

import org.clkernel.replacement.support.ComponentDescription;
import org.clkernel.replacement.support.TestHost;
import org.junit.jupiter.api.Test;

class LecarPolicyTest {
    private static final long[] CLASSIC = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};

    @Test
    void classicStringMissesBetweenOptAndTheWorseOfFifoAndLru() {
        // LRU itself misses 10 with 3 frames, one more than FIFO: a mix of LRU and LFU may too
        for (long seed = 0; seed < 50; seed++) {
            long three = TestHost.misses(new LecarPolicy(seed), 3, CLASSIC);
            long four = TestHost.misses(new LecarPolicy(seed), 4, CLASSIC);
            assertTrue(three >= 7 && three <= 10, "seed " + seed + ": " + three + " misses with 3 frames (OPT 7, FIFO 9, LRU 10)");
            assertTrue(four >= 6 && four <= 10, "seed " + seed + ": " + four + " misses with 4 frames (OPT 6, LRU 8, FIFO 10)");
        }
    }

    @Test
    void theWeightsStartEven() {
        LecarPolicy lecar = started(4, 1, 2);
        assertEquals(0.5, lecar.lruWeight());
        assertEquals(0.5, lecar.lfuWeight());
    }

    @Test
    void aMissOnAPageInAnExpertsHistoryLowersThatExpertsWeightByTheDiscountedRegret() {
        LecarPolicy lecar = started(2, 1, 2); // two references so far
        long victim = lecar.evict(3);          // evicted at time 2
        lecar.admitted(3);                     // time 3
        boolean byLru = lecar.lruHistory().length == 1;
        assertArrayEquals(new long[] {victim}, byLru ? lecar.lruHistory() : lecar.lfuHistory());

        lecar.evict(victim);                   // the victim comes back 1 reference after its eviction
        double discount = Math.pow(0.005, 1.0 / 2);
        double penalty = Math.exp(-0.45 * Math.pow(discount, 1));
        double penalised = 0.5 * penalty / (0.5 * penalty + 0.5);
        assertEquals(penalised, byLru ? lecar.lruWeight() : lecar.lfuWeight(), 1e-15);
        assertEquals(1 - penalised, byLru ? lecar.lfuWeight() : lecar.lruWeight(), 1e-15);
        assertFalse(LongStream.of(byLru ? lecar.lruHistory() : lecar.lfuHistory()).anyMatch(p -> p == victim),
                "the returning page leaves the history");
        assertNull(lecar.check());
    }

    @Test
    void theRegretFadesWithTheTimeSpentInTheHistory() {
        double soon = penaltyAfter(0);
        double late = penaltyAfter(2);
        double forgotten = penaltyAfter(40); // 0.005^(41/4): the regret rounds away
        assertTrue(soon < late && late < 0.5, "weight after a quick return " + soon + ", after a late one " + late);
        assertEquals(0.5, forgotten, 1e-12);
    }

    /** The weight of the expert whose victim returns after this many hits in between, on 4 frames. */
    private static double penaltyAfter(int hits) {
        LecarPolicy lecar = started(4, 1, 2, 3, 4);
        long victim = lecar.evict(5);
        lecar.admitted(5);
        boolean byLru = lecar.lruHistory().length == 1;
        for (int i = 0; i < hits; i++) {
            lecar.referenced(5);
        }
        lecar.evict(victim);
        return byLru ? lecar.lruWeight() : lecar.lfuWeight();
    }

    @Test
    void aMissOnAPageInNoHistoryLeavesTheWeights() {
        LecarPolicy lecar = started(2, 1, 2);
        lecar.evict(3);
        lecar.admitted(3);
        lecar.evict(4);
        assertEquals(1, lecar.lruWeight() + lecar.lfuWeight(), 1e-15);
        assertEquals(0.5, lecar.lruWeight());
    }

    @Test
    void eachHistoryIsAFifoOfItsExpertsVictimsAsLongAsTheCache() {
        LecarPolicy lecar = new LecarPolicy(7);
        long[] string = LongStream.range(0, 40).toArray(); // no page returns: no learning
        TestHost host = new TestHost(lecar, 3, false, string);
        host.run();
        List<Long> victims = host.victims();
        long[] lru = lecar.lruHistory();
        long[] lfu = lecar.lfuHistory();
        assertTrue(lru.length == 3 && lfu.length == 3, Arrays.toString(lru) + " " + Arrays.toString(lfu));
        for (long[] history : List.of(lru, lfu)) {
            for (int i = 1; i < history.length; i++) {
                assertTrue(victims.indexOf(history[i - 1]) < victims.indexOf(history[i]), "oldest eviction first");
            }
        }
        // every victim after the oldest one either history still holds went to one of them
        List<Long> remembered = new ArrayList<>();
        LongStream.concat(LongStream.of(lru), LongStream.of(lfu)).forEach(remembered::add);
        int from = Math.min(victims.indexOf(lru[0]), victims.indexOf(lfu[0]));
        int newerOfTheOldest = Math.max(victims.indexOf(lru[0]), victims.indexOf(lfu[0]));
        for (int i = newerOfTheOldest; i < victims.size(); i++) {
            assertTrue(remembered.contains(victims.get(i)), "victim " + victims.get(i) + " is remembered");
        }
        assertTrue(from >= 0);
        assertNull(lecar.check());
    }

    @Test
    void lfuEvictsTheLeastFrequentAndAmongThoseTheLeastRecent() {
        // with w_LRU 0.5 the draw decides the expert; find a seed whose first draw is LFU's
        long seed = 0;
        while (new java.util.SplittableRandom(seed).nextDouble() < 0.5) {
            seed++;
        }
        LecarPolicy lecar = new LecarPolicy(seed);
        TestHost.started(lecar, 4, 1, 2, 3, 4);
        lecar.referenced(1);
        lecar.referenced(3);
        lecar.referenced(1);
        assertEquals(2, lecar.evict(NO_PAGE)); // 2 and 4 were referenced once; 2 longer ago
        assertArrayEquals(new long[] {2}, lecar.lfuHistory());
    }

    @Test
    void aRemovedPageIsForgottenAndEntersNoHistory() {
        LecarPolicy lecar = started(2, 7, 8);
        lecar.removed(7);
        assertEquals(1, lecar.resident());
        assertEquals(0, lecar.lruHistory().length + lecar.lfuHistory().length);
        lecar.admitted(9);
        assertEquals(2, lecar.evictionOrder().length);
        assertNull(lecar.check());
    }

    @Test
    void callsOutsideTheContractAreRefusedWithTheirReason() {
        LecarPolicy lecar = started(1, 5);
        assertTrue(assertThrows(IllegalStateException.class, () -> lecar.admitted(5)).getMessage().contains("already resident"));
        assertTrue(assertThrows(IllegalStateException.class, () -> lecar.admitted(6)).getMessage().contains("frames are in use"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> lecar.referenced(6)).getMessage().contains("not resident"));
        lecar.evict(NO_PAGE);
        assertThrows(IllegalStateException.class, () -> lecar.evict(NO_PAGE));
    }

    @Test
    void isRegisteredAsAPrototypeServiceNamedLecarRankedBelowEveryOtherPolicy() {
        ComponentDescription.assertPrototypePolicy(LecarPolicy.class, "lecar", -10);
    }

    private static LecarPolicy started(int frames, long... pages) {
        LecarPolicy lecar = new LecarPolicy();
        TestHost.started(lecar, frames, pages);
        return lecar;
    }
}
