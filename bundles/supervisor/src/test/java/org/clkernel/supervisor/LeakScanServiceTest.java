package org.clkernel.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.clkernel.api.supervisor.LeakReport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LeakScanServiceTest {
    private BootedKernel k;
    /** A page of the direct map registered as the kernel's data. */
    private long data;
    private int site;

    @BeforeEach
    void boot() {
        k = new BootedKernel();
        data = k.directMapPages(0);
        k.detector.addRoot("data", data, 4096);
        site = k.heap.site("test_node");
    }

    private long node(int size) {
        long a = k.heap.kmalloc(size, 7, site);
        assertTrue(a != 0);
        return a;
    }

    private Set<Long> leaked() {
        return k.detector.scan().leaks().stream().map(LeakReport.Leak::address).collect(Collectors.toSet());
    }

    @Test
    void aBlockReferencedFromARootIsNoLeak() {
        long a = node(64);
        k.write32(data + 12, a);
        assertEquals(Set.of(), leaked());
    }

    @Test
    void anUnreferencedBlockIsReportedWithItsOwnerSiteAndSize() {
        long a = node(40);
        LeakReport report = k.detector.scan();
        assertEquals(1, report.leaks().size());
        LeakReport.Leak leak = report.leaks().get(0);
        assertEquals(a, leak.address());
        assertEquals(40, leak.size());
        assertEquals(7, leak.owner());
        assertEquals("test_node", leak.site());
        assertTrue(leak.ageMillis() >= 0);
        assertEquals(4096, report.bytesScanned());
        assertEquals(0, report.blocksScanned());
    }

    @Test
    void aChainFromARootIsReachableAndAnUnlinkedTailIsReported() {
        long a = node(32), b = node(32), c = node(32);
        k.write32(data, a);
        k.write32(a + 8, b);
        k.write32(b + 16, c);
        LeakReport report = k.detector.scan();
        assertEquals(Set.of(), report.leaks().stream().map(LeakReport.Leak::address).collect(Collectors.toSet()));
        assertEquals(3, report.blocksScanned());
        assertEquals(4096 + 3 * 32, report.bytesScanned());

        k.write32(b + 16, 0);
        assertEquals(Set.of(c), leaked());
    }

    @Test
    void anUnreachableCycleIsReported() {
        long a = node(24), b = node(24), c = node(24);
        k.write32(a, b);
        k.write32(b, c);
        k.write32(c, a);
        assertEquals(Set.of(a, b, c), leaked());
        k.write32(data + 100, b);
        assertEquals(Set.of(), leaked());
    }

    @Test
    void anInteriorPointerKeepsItsBlock() {
        long a = node(100);
        k.write32(data + 4, a + 99);
        assertEquals(Set.of(), leaked());
        k.write32(data + 4, a + 100);   // one past the end: the bytes asked for end there
        assertEquals(Set.of(a), leaked());
    }

    @Test
    void aValueEqualToAFreedBlockKeepsNothingAndAQuarantinedBlockIsNeverReported() {
        long a = node(48), b = node(48);
        k.write32(data, a);
        k.write32(a, b);
        k.write32(data + 8, b);
        k.heap.kfree(a);                  // quarantined, still holding its pointer to b (poisoned)
        k.write32(data + 8, 0);
        long freed = node(48);            // the quarantine keeps a, so this is elsewhere
        k.write32(data + 16, a);          // a stale pointer to the freed block
        assertTrue(freed != a);
        assertEquals(Set.of(b, freed), leaked());
        assertTrue(k.heap.stats().quarantinedBlocks() >= 1);
    }

    @Test
    void aWordIsOnlyReadAtFourByteAlignment() {
        long a = node(16);
        // the address split across two aligned words: no aligned word holds it
        k.write32(data + 32, a << 16);
        k.write32(data + 36, a >>> 16);
        assertEquals(Set.of(a), leaked());
    }

    @Test
    void aHeapBlockCanBeARootAndIsScannedWhole() {
        long root = node(256);
        long a = node(16);
        k.detector.removeRoot("data");
        k.detector.addRoot("table", root, 256);
        k.write32(root + 252, a);
        assertEquals(Set.of(), leaked());
        k.detector.removeRoot("table");
        assertEquals(Set.of(root, a), leaked());
    }

    @Test
    void youngBlocksAreNotReportedWhileAMinimumAgeIsSet() throws Exception {
        long a = node(16);
        LeakScanService patient = new LeakScanService(k.machine, k.vm, k.heap, Map.of("min.age.millis", "60000"));
        assertEquals(0, patient.scan().leaks().size());
        assertEquals(Set.of(a), leaked());
        patient.configure(Map.of("min.age.millis", "-1"));
        assertEquals(60000, patient.minAgeMillis());
    }

    @Test
    void aRootOutsideKernelDataIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> k.detector.addRoot("user", 0x1000, 16));
        assertThrows(IllegalArgumentException.class, () -> k.detector.addRoot("", data, 16));
        assertThrows(IllegalArgumentException.class, () -> k.detector.addRoot("io", 0xF0000000L, 16));
        assertThrows(IllegalArgumentException.class, () -> k.detector.addRoot("empty", data, 0));
    }
}
