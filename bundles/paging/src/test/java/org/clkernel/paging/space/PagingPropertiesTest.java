package org.clkernel.paging.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import org.clkernel.api.CheckResult;
import org.clkernel.api.machine.CpuContext;
import org.clkernel.api.machine.PageFaultException;
import org.clkernel.api.paging.KernelLayout;
import org.clkernel.api.paging.Prot;
import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.physical.Gfp;
import org.clkernel.api.x86.PageFaultError;
import org.clkernel.machine.EmulatedMachine;
import org.clkernel.paging.space.ReferenceSpaces.Outcome;
import org.clkernel.paging.space.ReferenceSpaces.Page;
import org.clkernel.physical.BuddyFrameAllocator;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Random sequences of map, unmap, protect, accesses through two CPU contexts (each switching
 * between three actors' spaces, at CPL 0 or 3) and restarts of the service, run on the paging
 * system and on {@link ReferenceSpaces} in lockstep:
 * <ul>
 * <li>every access gives the model's outcome: the frame it maps to, or the #PF error code with CR2,
 *     also right after an unmap or a protect of a page the context had cached (no stale TLB
 *     entry is ever used);</li>
 * <li>the first touch of a page of the demand-zero region maps a zeroed frame of the actor that
 *     no live mapping uses; user access to the kernel half faults with P and U/S;</li>
 * <li>unmap returns the model's frame, protect counts the model's changes, map of a mapped page
 *     is refused, the software walk agrees with the model for every page, check() stays ok;</li>
 * <li>at the end, destroying every space gives the actors' frames all back.</li>
 * </ul>
 * The pages of each actor straddle two page tables; the upper half of them is a demand-zero region.
 */
class PagingPropertiesTest {
    static final int[] ACTORS = {1, 2, 3};
    static final int CONTEXTS = 2;
    static final int PAGES = 8;
    static final int REGION_FIRST = 5;
    static final long BASE = 0x007FC000L; // page 4 is the first of the next page table
    static final int POOL = 12;
    static final int POOL_OWNER = 9;

    @Property(tries = 300)
    void everyStepAgreesWithTheReferenceModel(@ForAll("runs") List<Op> run) {
        Lockstep s = new Lockstep();
        for (Op op : run) {
            op.apply(s);
            s.verify();
        }
        s.destroyEverySpace();
    }

    // ---- operations ----------------------------------------------------------------------------

    sealed interface Op {
        void apply(Lockstep s);
    }

    record Map_(int actor, int page, int frame, int prot) implements Op {
        public void apply(Lockstep s) {
            s.map(actor, page, s.pool[frame], prot);
        }
    }

    record Unmap(int actor, int page) implements Op {
        public void apply(Lockstep s) {
            s.unmap(actor, page);
        }
    }

    record Protect(int actor, int page, int pages, int prot) implements Op {
        public void apply(Lockstep s) {
            s.protect(actor, page, pages, prot);
        }
    }

    /** An access through a context, in the space it runs. */
    record Access(int context, int page, boolean write, boolean user) implements Op {
        public void apply(Lockstep s) {
            s.access(context, page, write, user);
        }
    }

    record KernelPeek(int context, boolean user) implements Op {
        public void apply(Lockstep s) {
            s.peekKernel(context, user);
        }
    }

    /** The context switches to an actor's space. */
    record Switch(int context, int actor) implements Op {
        public void apply(Lockstep s) {
            s.switchTo(context, actor);
        }
    }

    record Restart() implements Op {
        public void apply(Lockstep s) {
            s.restart();
        }
    }

    @Provide
    Arbitrary<List<Op>> runs() {
        Arbitrary<Integer> actor = Arbitraries.of(1, 2, 3);
        Arbitrary<Integer> page = Arbitraries.integers().between(0, PAGES - 1);
        Arbitrary<Integer> prot = Arbitraries.of(Prot.USER, Prot.USER | Prot.WRITE);
        Arbitrary<Integer> context = Arbitraries.integers().between(0, CONTEXTS - 1);
        Arbitrary<Boolean> flag = Arbitraries.of(false, true);
        Arbitrary<Op> map = Combinators.combine(actor, page, Arbitraries.integers().between(0, POOL - 1), prot).as(Map_::new);
        Arbitrary<Op> unmap = Combinators.combine(actor, page).as(Unmap::new);
        Arbitrary<Op> protect = Combinators.combine(actor, page, Arbitraries.integers().between(1, 4), prot).as(Protect::new);
        Arbitrary<Op> access = Combinators.combine(context, page, flag, flag).as(Access::new);
        Arbitrary<Op> peek = Combinators.combine(context, flag).as(KernelPeek::new);
        Arbitrary<Op> switchTo = Combinators.combine(context, actor).as(Switch::new);
        Arbitrary<Op> op = Arbitraries.frequencyOf(Tuple.of(4, map), Tuple.of(2, unmap), Tuple.of(2, protect),
                Tuple.of(12, access), Tuple.of(2, switchTo), Tuple.of(1, peek), Tuple.of(1, Arbitraries.just(new Restart())));
        return op.list().ofMinSize(1).ofMaxSize(100).withSizeDistribution(RandomDistribution.uniform());
    }

    // ---- the two systems in lockstep -----------------------------------------------------------

    static final class Lockstep {
        final EmulatedMachine machine = new EmulatedMachine(16, 16);
        final BuddyFrameAllocator frames = new BuddyFrameAllocator(machine);
        VirtualMemoryService vm = new VirtualMemoryService(machine, frames);
        final ReferenceSpaces model = new ReferenceSpaces();
        final long[] pool = new long[POOL];
        final CpuContext[] contexts = new CpuContext[CONTEXTS];
        final int[] running = new int[CONTEXTS];
        int marker = 1;

        Lockstep() {
            for (int i = 0; i < POOL; i++) {
                pool[i] = frames.allocate(0, POOL_OWNER, Gfp.ZERO) << 12;
            }
            for (int actor : ACTORS) {
                vm.createSpace(actor);
                vm.reserve(actor, va(REGION_FIRST), (long) (PAGES - REGION_FIRST) << 12, Prot.USER | Prot.WRITE);
                model.reserve(actor, REGION_FIRST, PAGES - REGION_FIRST, Prot.USER | Prot.WRITE);
            }
            for (int c = 0; c < CONTEXTS; c++) {
                contexts[c] = machine.context("cpu" + c);
                switchTo(c, ACTORS[c]);
            }
        }

        static long va(int page) {
            return BASE + ((long) page << 12);
        }

        static long offset(int page) {
            return (page * 52L) & 0xFFC;
        }

        /** Whether a context running the actor's space holds a translation of the page. */
        boolean cached(int actor, int page) {
            for (int c = 0; c < CONTEXTS; c++) {
                if (running[c] == actor && contexts[c].tlbEntries().stream().anyMatch(e -> e.linearPage() == va(page))) {
                    return true;
                }
            }
            return false;
        }

        void map(int actor, int page, long frame, int prot) {
            if (model.map(actor, page, frame, prot)) {
                vm.map(actor, va(page), frame, prot);
            } else {
                assertThrows(IllegalArgumentException.class, () -> vm.map(actor, va(page), frame, prot));
                Statistics.label("map of a mapped page refused").collect(true);
            }
        }

        void unmap(int actor, int page) {
            Statistics.label("unmap of a page in a TLB").collect(cached(actor, page));
            Page was = model.unmap(actor, page);
            assertEquals(was == null ? -1 : was.frame(), vm.unmap(actor, va(page)));
        }

        void protect(int actor, int page, int pages, int prot) {
            Statistics.label("protect of a page in a TLB").collect(cached(actor, page));
            assertEquals(model.protect(actor, page, pages, prot), vm.protect(actor, va(page), (long) pages << 12, prot));
        }

        void switchTo(int context, int actor) {
            vm.activate(contexts[context], actor);
            running[context] = actor;
        }

        CpuContext on(int context, boolean user) {
            CpuContext c = contexts[context];
            c.setCpl(user ? 3 : 0);
            return c;
        }

        void access(int context, int page, boolean write, boolean user) {
            CpuContext c = on(context, user);
            int actor = running[context];
            long va = va(page) + offset(page);
            Outcome expected = model.access(actor, page, write, user);
            Statistics.label("access").collect(expected.kind());
            int value = marker++;
            switch (expected.kind()) {
                case FAULT -> {
                    PageFaultException e = assertThrows(PageFaultException.class,
                            () -> { if (write) c.write32(va, value); else c.read32(va); });
                    assertEquals(expected.errorCode(), e.errorCode(), e.getMessage());
                    assertEquals(va, e.cr2());
                }
                case MAPPED -> {
                    long pa = expected.frame() + offset(page);
                    if (write) {
                        c.write32(va, value);
                        assertEquals(value, machine.physical().read32(pa), "the write went elsewhere");
                    } else {
                        machine.physical().write32(pa, value);
                        assertEquals(value, c.read32(va), "the read came from elsewhere");
                    }
                }
                case FILL -> {
                    if (write) {
                        c.write32(va, value);
                    } else {
                        assertEquals(0, c.read32(va));
                    }
                    long frame = vm.physical(actor, va(page)).orElseThrow();
                    assertFreshFrameOf(actor, frame, write ? value : 0, offset(page));
                    model.filled(actor, page, frame);
                }
            }
        }

        private void assertFreshFrameOf(int actor, long frame, int value, long at) {
            assertEquals(actor, frames.block(frame >>> 12).owner());
            for (int other : ACTORS) {
                for (Page p : model.pages(other).values()) {
                    assertTrue(p.frame() != frame, "a filled frame that a live mapping uses");
                }
            }
            byte[] content = new byte[4096];
            machine.physical().read(frame, content, 0, content.length);
            machine.physical().write32(frame + at, 0);
            byte[] zero = new byte[4096];
            machine.physical().read(frame, zero, 0, zero.length);
            assertTrue(java.util.Arrays.equals(new byte[4096], zero), "a filled page holds more than the access wrote");
            machine.physical().write32(frame + at, value);
        }

        void peekKernel(int context, boolean user) {
            CpuContext c = on(context, user);
            long va = KernelLayout.directMap(pool[0]);
            if (user) {
                assertEquals(PageFaultError.P | PageFaultError.US,
                        assertThrows(PageFaultException.class, () -> c.read32(va)).errorCode());
            } else {
                int value = marker++;
                machine.physical().write32(pool[0], value);
                assertEquals(value, c.read32(va));
            }
        }

        void restart() {
            vm.deactivate();
            vm = new VirtualMemoryService(machine, frames);
            assertTrue(vm.attached());
        }

        void verify() {
            for (int actor : ACTORS) {
                Map<Integer, Page> pages = model.pages(actor);
                for (int page = 0; page < PAGES; page++) {
                    Page p = pages.get(page);
                    assertEquals(p == null ? OptionalLong.empty() : OptionalLong.of(p.frame()), vm.physical(actor, va(page)),
                            "actor " + actor + " page " + page);
                }
            }
            CheckResult check = vm.check();
            assertTrue(check.isOk(), check.toString());
        }

        void destroyEverySpace() {
            for (CpuContext c : contexts) {
                vm.activate(c, FrameAllocator.KERNEL);
            }
            for (int actor : ACTORS) {
                vm.destroySpace(actor);
                assertEquals(0, frames.framesOwned(actor), "actor " + actor + " still holds frames");
            }
            assertEquals(POOL, frames.framesOwned(POOL_OWNER));
            CheckResult paging = vm.check();
            assertTrue(paging.isOk(), paging.toString());
            CheckResult physical = frames.check();
            assertTrue(physical.isOk(), physical.toString());
        }
    }
}
