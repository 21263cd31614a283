package org.clkernel.replacement.lirs;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.clkernel.api.replacement.PolicyHost;
import org.clkernel.api.replacement.ReplacementPolicy;
import org.clkernel.replacement.support.PageList;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * LIRS, the Low Inter-reference Recency Set policy of S. Jiang and X. Zhang, "LIRS: An Efficient
 * Low Inter-reference Recency Set Replacement Policy to Improve Buffer Cache Performance", ACM
 * SIGMETRICS 2002, section 3. Blocks with a low inter-reference recency (IRR) are LIR and hold
 * Llirs = frames - Lhirs frames, Lhirs = max(1, frames / 100); the other resident blocks are HIR
 * and wait in the queue Q, whose front is always the victim. The stack S orders blocks by recency
 * and holds every LIR block, plus HIR blocks (resident or not) more recent than the oldest LIR
 * block, so that an HIR block referenced again while still in S has an IRR below some LIR block's
 * recency and becomes LIR.
 *
 * <p>Invariants: the bottom of S is a LIR block when there is one (stack pruning removes the HIR
 * blocks below it); at most Llirs blocks are LIR; Q holds exactly the resident HIR blocks; a
 * non-resident block is HIR and in S; S holds at most 2 x frames blocks.
 *
 * <p>The paper leaves the number of non-resident entries in S open. As libCacheSim does, S is
 * bounded to 2 x frames entries: when it grows past that, the block that has been non-resident
 * longest leaves S and is forgotten.
 *
 * <p>A reference to a resident HIR block that is not in S leaves the LIR set alone, as the paper
 * says: the block goes to the top of S and the end of Q. (libCacheSim's LIRS demotes the bottom LIR
 * block first there, which moves its miss counts by a few hundredths of a percent.)
 *
 * <p>While fewer than Llirs blocks are LIR (at start), a missing block becomes LIR. The victim is
 * the front of Q; only when Q is empty (frames free, or a host evicting without admitting) is it
 * the LIR block at the bottom of S, so {@link #evictionOrder()} is Q from the front, then the LIR
 * blocks from the bottom of S.
 */
@Component(service = ReplacementPolicy.class, scope = ServiceScope.PROTOTYPE,
        property = {ReplacementPolicy.NAME + "=lirs", "service.ranking:Integer=45"})
public final class LirsPolicy implements ReplacementPolicy {
    /** Oldest = bottom. */
    private final PageList<Block.Link> stack = new PageList<>("S");
    /** Oldest = front, the next victim. */
    private final PageList<Block.Link> queue = new PageList<>("Q");
    /** Oldest = non-resident longest. */
    private final PageList<Block.Link> nonResident = new PageList<>("non-resident");
    private final Map<Long, Block> blocks = new HashMap<>();
    /** Lhirs = max(1, frames / hirDivisor). */
    private final int hirDivisor;
    private int frames;
    private int lirLimit;
    private int stackLimit;
    private int lirCount;
    private int residentCount;

    /** LIRS with the paper's Lhirs of 1% of the frames. */
    public LirsPolicy() {
        this(100);
    }

    /** LIRS with Lhirs = max(1, frames / hirDivisor): tests use a larger HIR part. */
    LirsPolicy(int hirDivisor) {
        if (hirDivisor < 1) {
            throw new IllegalArgumentException("the HIR divisor must be at least 1, not " + hirDivisor);
        }
        this.hirDivisor = hirDivisor;
    }

    @Override
    public void init(int frames, PolicyHost host) {
        if (frames < 1) {
            throw new IllegalArgumentException("LIRS needs at least 1 frame, not " + frames);
        }
        stack.clear();
        queue.clear();
        nonResident.clear();
        blocks.clear();
        this.frames = frames;
        lirLimit = frames - Math.max(1, frames / hirDivisor);
        stackLimit = 2 * frames;
        lirCount = 0;
        residentCount = 0;
    }

    @Override
    public void referenced(long id) {
        Block b = residentBlock(id);
        if (b.lir) {
            stack.moveToNewest(b.inStack);
            prune(); // it may have been the bottom
        } else if (stack.holds(b.inStack)) {
            // IRR below the recency of the bottom LIR block: swap roles with that block
            stack.moveToNewest(b.inStack);
            queue.remove(b.inQueue);
            makeLir(b);
        } else {
            stack.addNewest(b.inStack);
            queue.moveToNewest(b.inQueue);
            bound();
        }
    }

    @Override
    public long evict(long incoming) {
        Block victim = oldest(queue);
        if (victim != null) {
            queue.remove(victim.inQueue);
        } else {
            prune();
            victim = oldest(stack);
            if (victim == null) {
                throw new IllegalStateException("LIRS has no resident block to evict");
            }
            stack.remove(victim.inStack);
            victim.lir = false;
            lirCount--;
            prune();
        }
        victim.resident = false;
        residentCount--;
        if (stack.holds(victim.inStack)) {
            nonResident.addNewest(victim.inNonResident);
        } else {
            blocks.remove(victim.id);
        }
        return victim.id;
    }

    @Override
    public void admitted(long id) {
        Block b = blocks.get(id);
        if (b != null) {
            if (b.resident) {
                throw new IllegalStateException("block " + id + " admitted while resident");
            }
            // a non-resident HIR block still in S: its IRR is low, it becomes LIR
            nonResident.remove(b.inNonResident);
            b.resident = true;
            residentCount++;
            stack.moveToNewest(b.inStack);
            makeLir(b);
            return;
        }
        b = new Block(id);
        b.resident = true;
        residentCount++;
        blocks.put(id, b);
        stack.addNewest(b.inStack);
        if (lirCount < lirLimit) {
            b.lir = true;
            lirCount++;
            prune(); // HIR blocks are left at the bottom of S only when no block was LIR
        } else {
            queue.addNewest(b.inQueue);
        }
        bound();
    }

    @Override
    public void removed(long id) {
        Block b = residentBlock(id);
        if (b.lir) {
            lirCount--;
        } else {
            queue.remove(b.inQueue);
        }
        if (stack.holds(b.inStack)) {
            stack.remove(b.inStack);
        }
        residentCount--;
        blocks.remove(id);
        prune();
    }

    @Override
    public int resident() {
        return residentCount;
    }

    @Override
    public long[] evictionOrder() {
        long[] order = new long[residentCount];
        int at = queue.size();
        queue.copyIds(0, at, order, 0);
        for (Block.Link l = stack.oldest(); l != null; l = stack.newer(l)) {
            if (l.block.lir) {
                order[at++] = l.block.id;
            }
        }
        return order;
    }

    /** Makes a resident block at the top of S LIR; demotes bottom LIR blocks past Llirs to Q. */
    private void makeLir(Block b) {
        b.lir = true;
        lirCount++;
        while (lirCount > lirLimit) {
            prune();
            Block bottom = oldest(stack);
            stack.remove(bottom.inStack);
            bottom.lir = false;
            lirCount--;
            queue.addNewest(bottom.inQueue);
        }
        prune();
    }

    /** Stack pruning: removes HIR blocks from the bottom of S; non-resident ones are forgotten. */
    private void prune() {
        for (Block b = oldest(stack); b != null && !b.lir; b = oldest(stack)) {
            stack.remove(b.inStack);
            if (!b.resident) {
                nonResident.remove(b.inNonResident);
                blocks.remove(b.id);
            }
        }
    }

    /** Keeps S within 2 x frames entries by forgetting the longest non-resident blocks. */
    private void bound() {
        while (stack.size() > stackLimit && !nonResident.isEmpty()) {
            Block longest = oldest(nonResident);
            nonResident.remove(longest.inNonResident);
            stack.remove(longest.inStack);
            blocks.remove(longest.id);
        }
    }

    private static Block oldest(PageList<Block.Link> list) {
        Block.Link link = list.oldest();
        return link == null ? null : link.block;
    }

    private Block residentBlock(long id) {
        Block b = blocks.get(id);
        if (b == null || !b.resident) {
            throw new IllegalStateException("block " + id + " is not resident");
        }
        return b;
    }

    /** Whether LIRS knows this block as LIR. */
    boolean isLir(long id) {
        Block b = blocks.get(id);
        return b != null && b.lir;
    }

    /** Whether the block has an entry in the stack S (resident or not). */
    boolean inStack(long id) {
        Block b = blocks.get(id);
        return b != null && stack.holds(b.inStack);
    }

    /** Whether the block is a resident HIR block in Q. */
    boolean inQueue(long id) {
        Block b = blocks.get(id);
        return b != null && queue.holds(b.inQueue);
    }

    int stackSize() {
        return stack.size();
    }

    int lirLimit() {
        return lirLimit;
    }

    /**
     * Checks the lists and the LIRS invariants. Returns null when all hold, otherwise a sentence
     * naming the first broken list, block or bound.
     */
    public String check() {
        for (PageList<Block.Link> list : List.of(stack, queue, nonResident)) {
            String broken = list.check();
            if (broken != null) {
                return broken;
            }
        }
        int lir = 0;
        int res = 0;
        int nonRes = 0;
        for (Map.Entry<Long, Block> e : blocks.entrySet()) {
            Block b = e.getValue();
            String why = b.id != e.getKey() ? "is indexed under " + e.getKey()
                    : b.lir && !(b.resident && stack.holds(b.inStack) && b.inQueue.list() == null) ? "is LIR but not resident in S alone"
                    : !b.lir && b.resident && !queue.holds(b.inQueue) ? "is resident HIR but not in Q"
                    : !b.resident && !(stack.holds(b.inStack) && nonResident.holds(b.inNonResident) && !b.lir && b.inQueue.list() == null)
                            ? "is non-resident but not an HIR entry of S on the non-resident list"
                    : b.resident && b.inNonResident.list() != null ? "is resident but on the non-resident list"
                    : null;
            if (why != null) {
                return "block " + b.id + " " + why;
            }
            lir += b.lir ? 1 : 0;
            res += b.resident ? 1 : 0;
            nonRes += b.resident ? 0 : 1;
        }
        if (lir != lirCount || res != residentCount) {
            return lir + " LIR and " + res + " resident blocks, counted " + lirCount + " and " + residentCount;
        }
        if (lirCount > Math.max(lirLimit, 0)) {
            return lirCount + " LIR blocks exceed Llirs = " + lirLimit;
        }
        if (queue.size() + lirCount != residentCount || nonResident.size() != nonRes) {
            return "Q holds " + queue.size() + " and the non-resident list " + nonResident.size() + " blocks, expected "
                    + (residentCount - lirCount) + " and " + nonRes;
        }
        Block bottom = oldest(stack);
        if (bottom != null && !bottom.lir && lirCount > 0) {
            return "the bottom of S, block " + bottom.id + ", is HIR";
        }
        if (stack.size() > stackLimit) {
            return "S holds " + stack.size() + " blocks, more than " + stackLimit;
        }
        return residentCount > frames ? residentCount + " resident blocks in " + frames + " frames" : null;
    }
}
