package org.clkernel.itests;

import static org.clkernel.itests.Eventually.awaitServiceOtherThan;
import static org.clkernel.itests.Eventually.serviceId;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertTrue;

import java.io.FileInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.clkernel.api.CheckResult;
import org.clkernel.api.actor.Actor;
import org.clkernel.api.actor.ActorRegistry;
import org.clkernel.api.machine.Machine;
import org.clkernel.api.machine.PhysicalMemory;
import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.physical.FrameAllocator.Block;
import org.clkernel.api.physical.Gfp;
import org.clkernel.api.physical.ZoneStats;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The frame allocator and the actor table keep all their state in emulated RAM: stopping and
 * starting or updating their bundles re-attaches to it through the anchors {@code physical} and
 * {@code actors}, and every block keeps its order, owner and contents. Each test boots its own
 * framework.
 *
 * <p>The kernel and the actor {@value #WORKER} each hold blocks of the orders in {@link #ORDERS};
 * every frame of every block carries a signature in its first and last 8 bytes. {@value #SPILLED}
 * order-0 frames are allocated and freed again first, so the per-CPU cache holds frames when the
 * allocator goes away.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class PhysicalMemoryIT {
    static final String WORKER = "worker";
    static final int[] ORDERS = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 6, 8, 10};
    static final int SPILLED = 24;
    static final int RESTARTS = 20;

    @Inject
    BundleContext context;

    @Inject
    Machine machine;

    private ServiceTracker<FrameAllocator, FrameAllocator> allocators;
    private ServiceTracker<ActorRegistry, ActorRegistry> registries;

    /** What was held before the bundle went away. */
    record Holdings(List<Block> blocks, Map<Integer, Long> framesOwned, long freeFrames) {
    }

    @Configuration
    public Option[] configuration() {
        return RuntimeBundles.options();
    }

    @Before
    public void trackServices() throws Exception {
        allocators = new ServiceTracker<>(context, FrameAllocator.class, null);
        allocators.open();
        registries = new ServiceTracker<>(context, ActorRegistry.class, null);
        registries.open();
        awaitServiceOtherThan(allocators, -1, "a FrameAllocator service");
        awaitServiceOtherThan(registries, -1, "an ActorRegistry service");
    }

    @After
    public void closeTrackers() {
        allocators.close();
        registries.close();
    }

    // ---- stop and start ------------------------------------------------------------------------

    @Test
    public void restartedAllocatorKeepsEveryBlockWithItsOrderOwnerAndContents() throws Exception {
        Holdings held = allocateAndSign();
        FrameAllocator frames = restart(RuntimeBundles.PHYSICAL, allocators);
        assertKept(held, frames);
    }

    @Test
    public void restartedAllocatorNeverHandsOutAFrameOfAKeptBlock() throws Exception {
        Holdings held = allocateAndSign();
        FrameAllocator frames = restart(RuntimeBundles.PHYSICAL, allocators);
        assertEveryFreeFrameIsOutsideTheKeptBlocks(held, frames);
    }

    /**
     * Regression: when another bundle got the actor table the moment it was registered (here, a
     * ServiceTracker of ActorRegistry), creating the actor table created the restarted allocator,
     * whose quota binding asked for the actor table again: a service-factory cycle, after which SCR
     * never bound the quota and no actor was limited any more. Whether it happened depended on the
     * order the framework calls service listeners in, which changes with every start of the
     * bundle, hence many restarts.
     */
    @Test
    public void restartedAllocatorEnforcesQuotasAtOnceWhenTheActorTableIsFetchedAsItIsRegistered() throws Exception {
        Actor web = registries.getService().create("web", 4, 0);
        fillQuota(allocators.getService(), web);
        allocators.close(); // the actor table, not this test, is the first to get each new allocator
        Bundle physical = RuntimeBundles.installed(context, RuntimeBundles.PHYSICAL);
        for (int round = 1; round <= RESTARTS; round++) {
            physical.stop();
            physical.start();
            ServiceReference<FrameAllocator> ref = context.getServiceReference(FrameAllocator.class);
            assertNotNull("a FrameAllocator once start() returns", ref);
            FrameAllocator frames = context.getService(ref);
            try {
                assertEquals("restart " + round + ": one frame past the quota", FrameAllocator.OVER_QUOTA,
                        frames.allocate(0, web.id(), Gfp.NONE));
            } finally {
                context.ungetService(ref);
            }
        }
    }

    // ---- update from the jar -------------------------------------------------------------------

    @Test
    public void updateFromTheJarRegistersAnAllocatorOfTheNewRevision() throws Exception {
        FrameAllocator before = allocators.getService();
        Bundle physical = RuntimeBundles.installed(context, RuntimeBundles.PHYSICAL);
        BundleRevision oldRevision = physical.adapt(BundleRevision.class);

        FrameAllocator after = update(physical);

        assertNotSame("a new service object", before, after);
        assertNotSame("a new bundle revision", oldRevision, physical.adapt(BundleRevision.class));
        assertNotSame("classes from a new class loader", before.getClass().getClassLoader(),
                after.getClass().getClassLoader());
        assertEquals(before.getClass().getName(), after.getClass().getName());
        assertEquals(Bundle.ACTIVE, physical.getState());
    }

    @Test
    public void updatedAllocatorKeepsEveryBlockWithItsOrderOwnerAndContents() throws Exception {
        Holdings held = allocateAndSign();
        FrameAllocator frames = update(RuntimeBundles.installed(context, RuntimeBundles.PHYSICAL));
        assertKept(held, frames);
    }

    @Test
    public void updatedAllocatorNeverHandsOutAFrameOfAKeptBlock() throws Exception {
        Holdings held = allocateAndSign();
        FrameAllocator frames = update(RuntimeBundles.installed(context, RuntimeBundles.PHYSICAL));
        assertEveryFreeFrameIsOutsideTheKeptBlocks(held, frames);
    }

    // ---- the actor bundle ----------------------------------------------------------------------

    @Test
    public void restartedActorTableKeepsEveryActorWithItsQuotas() throws Exception {
        ActorRegistry actors = registries.getService();
        actors.create("web", 64, 2L << 20);
        actors.create("db", 0, 0);
        actors.create("batch", 300, 12_345);
        actors.destroy("db"); // a free slot between two actors
        List<Actor> before = actors.list();

        ActorRegistry restarted = restart(RuntimeBundles.ACTOR, registries);

        assertEquals(before, restarted.list());
        for (Actor a : before) {
            assertEquals(a, restarted.find(a.name()).orElse(null));
        }
        assertOk(restarted.check());
    }

    @Test
    public void frameQuotaIsStillEnforcedAfterTheActorTableRestarts() throws Exception {
        FrameAllocator frames = allocators.getService();
        Actor web = registries.getService().create("web", 4, 0);
        fillQuota(frames, web);
        restart(RuntimeBundles.ACTOR, registries);
        awaitOverQuota(frames, web);
        assertEquals(4, frames.framesOwned(web.id()));
    }

    // ---- holding and checking blocks -----------------------------------------------------------

    private Holdings allocateAndSign() {
        FrameAllocator frames = allocators.getService();
        Actor worker = registries.getService().create(WORKER, 2048, 0);
        long[] spilled = new long[SPILLED];
        for (int i = 0; i < SPILLED; i++) {
            spilled[i] = allocate(frames, 0, FrameAllocator.KERNEL);
        }
        List<Block> blocks = new ArrayList<>();
        for (int owner : new int[] {FrameAllocator.KERNEL, worker.id()}) {
            for (int order : ORDERS) {
                Block b = new Block(allocate(frames, order, owner), order, owner);
                sign(b);
                blocks.add(b);
            }
        }
        for (long pfn : spilled) {
            frames.free(pfn, 0, FrameAllocator.KERNEL);
        }
        assertTrue("the per-CPU cache holds frames", frames.zones().stream().mapToLong(ZoneStats::cachedFrames).sum() > 0);
        Map<Integer, Long> owned = new TreeMap<>();
        for (Block b : blocks) {
            owned.put(b.owner(), frames.framesOwned(b.owner()));
        }
        return new Holdings(blocks, owned, freeFrames(frames));
    }

    /** Every block where it was, with its order, owner and contents; the counts and the check agree. */
    private void assertKept(Holdings held, FrameAllocator frames) {
        for (Block b : held.blocks()) {
            assertEquals("descriptor of the block at pfn 0x" + Long.toHexString(b.pfn()), b, frames.block(b.pfn()));
            assertSigned(b);
        }
        for (Map.Entry<Integer, Long> e : held.framesOwned().entrySet()) {
            assertEquals("frames owned by actor " + e.getKey(), e.getValue().longValue(), frames.framesOwned(e.getKey()));
        }
        assertEquals("free frames, cached ones included", held.freeFrames(), freeFrames(frames));
        assertOk(frames.check());
    }

    /**
     * Allocates every free frame, largest blocks first, and checks that none lies in a kept block or
     * in the allocator's own state (first MiB, kernel image, header page, descriptors), and that the
     * frames handed out are exactly the frames that were free.
     */
    private void assertEveryFreeFrameIsOutsideTheKeptBlocks(Holdings held, FrameAllocator frames) {
        BitSet taken = new BitSet();
        long stateEnd = machine.anchors().get("physical").orElseThrow() + 4096 + frames.spannedFrames() * 16;
        taken.set(0, (int) ((stateEnd + 4095) >>> 12));
        for (Block b : held.blocks()) {
            taken.set((int) b.pfn(), (int) (b.pfn() + (1L << b.order())));
        }
        long handedOut = 0;
        for (int order = FrameAllocator.MAX_ORDER; order >= 0; order--) {
            for (long pfn; (pfn = frames.allocate(order, FrameAllocator.KERNEL, Gfp.NONE)) >= 0;) {
                int from = (int) pfn;
                int to = (int) (pfn + (1L << order));
                int clash = taken.nextSetBit(from);
                assertTrue(String.format("new order-%d block at pfn 0x%x overlaps frame 0x%x", order, pfn, clash),
                        clash < 0 || clash >= to);
                taken.set(from, to);
                handedOut += to - from;
            }
        }
        assertEquals("frames handed out until no memory is left", held.freeFrames(), handedOut);
        for (Block b : held.blocks()) {
            assertSigned(b);
        }
        assertOk(frames.check());
    }

    private static long allocate(FrameAllocator frames, int order, int owner) {
        long pfn = frames.allocate(order, owner, Gfp.NONE);
        assertTrue("order-" + order + " block for actor " + owner + ": " + pfn, pfn >= 0);
        return pfn;
    }

    private void sign(Block b) {
        PhysicalMemory ram = machine.physical();
        for (long f = b.pfn(); f < b.pfn() + (1L << b.order()); f++) {
            ram.write64(f << 12, signature(b, f));
            ram.write64((f << 12) + 4088, ~signature(b, f));
        }
    }

    private void assertSigned(Block b) {
        PhysicalMemory ram = machine.physical();
        for (long f = b.pfn(); f < b.pfn() + (1L << b.order()); f++) {
            String where = String.format("frame 0x%x of the block at 0x%x", f, b.pfn());
            assertEquals(where + ", first 8 bytes", signature(b, f), ram.read64(f << 12));
            assertEquals(where + ", last 8 bytes", ~signature(b, f), ram.read64((f << 12) + 4088));
        }
    }

    /** Distinct per frame, block and owner. */
    private static long signature(Block b, long frame) {
        return 0xC1C0_0000_0000_0000L ^ ((long) b.owner() << 48) ^ (b.pfn() << 24) ^ frame;
    }

    private static long freeFrames(FrameAllocator frames) {
        return frames.zones().stream().mapToLong(ZoneStats::freeFrames).sum();
    }

    private static void assertOk(CheckResult result) {
        assertTrue(result.toString(), result.isOk());
    }

    // ---- quotas --------------------------------------------------------------------------------

    /** Allocates the actor's whole quota in order-0 frames; one more is over it. */
    private static void fillQuota(FrameAllocator frames, Actor actor) throws InterruptedException {
        for (int i = 0; i < actor.frameQuota(); i++) {
            allocate(frames, 0, actor.id());
        }
        awaitOverQuota(frames, actor); // at boot, DS may bind the quota a moment after the registry appears
    }

    /**
     * Waits until the allocator has the actor table's quota again: until then an allocation may
     * succeed, and is freed at once.
     */
    private static void awaitOverQuota(FrameAllocator frames, Actor actor) throws InterruptedException {
        Eventually.awaitTrue("actor " + actor.name() + " is over its quota again", () -> {
            long pfn = frames.allocate(0, actor.id(), Gfp.NONE);
            if (pfn >= 0) {
                frames.free(pfn, 0, actor.id());
            }
            return pfn == FrameAllocator.OVER_QUOTA;
        });
    }

    // ---- bundles -------------------------------------------------------------------------------


    /** Stops and starts the bundle; returns the service it registers anew. */
    private <S> S restart(String symbolicName, ServiceTracker<S, S> tracker) throws Exception {
        long old = serviceId(tracker.getServiceReference());
        Bundle b = RuntimeBundles.installed(context, symbolicName);
        b.stop();
        b.start();
        return awaitServiceOtherThan(tracker, old, symbolicName + " registers its service again");
    }

    /**
     * Updates the physical bundle from its jar and refreshes only that bundle, so that no revision
     * of it is left pending (a refresh of everything would take the test probe down too).
     */
    private FrameAllocator update(Bundle physical) throws Exception {
        long old = serviceId(allocators.getServiceReference());
        try (InputStream jar = new FileInputStream(RuntimeBundles.jar(RuntimeBundles.PHYSICAL))) {
            physical.update(jar);
        }
        FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
        CountDownLatch refreshed = new CountDownLatch(1);
        wiring.refreshBundles(List.of(physical), event -> refreshed.countDown());
        assertTrue("refresh of " + RuntimeBundles.PHYSICAL + " within " + Eventually.TIMEOUT_MS + " ms",
                refreshed.await(Eventually.TIMEOUT_MS, TimeUnit.MILLISECONDS));
        FrameAllocator frames = awaitServiceOtherThan(allocators, old, "the updated bundle registers a FrameAllocator");
        assertNotNull(frames);
        assertNotEquals("a new registration", old, serviceId(allocators.getServiceReference()));
        return frames;
    }
}
