package org.clkernel.paging.space;

import java.util.HashMap;
import java.util.Map;

import org.clkernel.api.paging.Prot;
import org.clkernel.api.x86.PageFaultError;

/**
 * What the paging system should do, deliberately simple: per actor, a map from page number to
 * (frame, protection, filled on demand), and the protection of each page of a demand-zero region.
 * A page is readable by the kernel whenever it is mapped and writable by it only with WRITE
 * (CR0.WP is set); user mode needs USER, and WRITE to write.
 */
final class ReferenceSpaces {
    /** A mapped page; {@code filled}: the handler picked its frame on a first touch. */
    record Page(long frame, int prot, boolean filled) {
    }

    enum Kind { MAPPED, FILL, FAULT }

    /** The outcome of one access: through a mapped frame, through a fresh zeroed frame, or a #PF. */
    record Outcome(Kind kind, long frame, int errorCode) {
        static Outcome mapped(long frame) {
            return new Outcome(Kind.MAPPED, frame, 0);
        }

        static final Outcome FILL = new Outcome(Kind.FILL, -1, 0);

        static Outcome fault(int errorCode) {
            return new Outcome(Kind.FAULT, -1, errorCode);
        }
    }

    private final Map<Integer, Map<Integer, Page>> mapped = new HashMap<>();
    private final Map<Integer, Map<Integer, Integer>> regionProt = new HashMap<>();

    void reserve(int actor, int firstPage, int pages, int prot) {
        for (int p = firstPage; p < firstPage + pages; p++) {
            regionProt.computeIfAbsent(actor, a -> new HashMap<>()).put(p, prot);
        }
    }

    Page page(int actor, int page) {
        return mapped.computeIfAbsent(actor, a -> new HashMap<>()).get(page);
    }

    /** @return whether the map is allowed (the page was not mapped) */
    boolean map(int actor, int page, long frame, int prot) {
        return mapped.computeIfAbsent(actor, a -> new HashMap<>()).putIfAbsent(page, new Page(frame, prot, false)) == null;
    }

    void filled(int actor, int page, long frame) {
        mapped.get(actor).put(page, new Page(frame, regionProt.get(actor).get(page), true));
    }

    /** @return the page removed, or null */
    Page unmap(int actor, int page) {
        return mapped.computeIfAbsent(actor, a -> new HashMap<>()).remove(page);
    }

    /** @return the mapped pages whose protection changes */
    int protect(int actor, int firstPage, int pages, int prot) {
        int changed = 0;
        Map<Integer, Page> m = mapped.computeIfAbsent(actor, a -> new HashMap<>());
        Map<Integer, Integer> regions = regionProt.getOrDefault(actor, Map.of());
        for (int p = firstPage; p < firstPage + pages; p++) {
            Page page = m.get(p);
            if (page != null && page.prot() != prot) {
                m.put(p, new Page(page.frame(), prot, page.filled()));
                changed++;
            }
            if (regions.containsKey(p)) {
                regionProt.get(actor).put(p, prot);
            }
        }
        return changed;
    }

    /** What an access should give. */
    Outcome access(int actor, int page, boolean write, boolean user) {
        int accessBits = (write ? PageFaultError.WR : 0) | (user ? PageFaultError.US : 0);
        Page p = page(actor, page);
        if (p != null) {
            return allowed(p.prot(), write, user) ? Outcome.mapped(p.frame()) : Outcome.fault(PageFaultError.P | accessBits);
        }
        Integer region = regionProt.getOrDefault(actor, Map.of()).get(page);
        return region != null && allowed(region, write, user) ? Outcome.FILL : Outcome.fault(accessBits);
    }

    private static boolean allowed(int prot, boolean write, boolean user) {
        return (!user || (prot & Prot.USER) != 0) && (!write || (prot & Prot.WRITE) != 0);
    }

    Map<Integer, Page> pages(int actor) {
        return mapped.getOrDefault(actor, Map.of());
    }
}
