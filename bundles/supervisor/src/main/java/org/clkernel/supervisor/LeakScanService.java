package org.clkernel.supervisor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.clkernel.api.heap.KernelHeap;
import org.clkernel.api.machine.Machine;
import org.clkernel.api.paging.VirtualMemory;
import org.clkernel.api.supervisor.LeakDetector;
import org.clkernel.api.supervisor.LeakReport;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;

/**
 * The leak detector of the kernel heap: a kmemleak-style scan ({@link LeakScan}) from the roots
 * registered here.
 *
 * <p>Slab objects are not scanned and not reported: the slab API lists caches and their counts,
 * not the live objects in them, so their extents cannot be known. A heap block whose only
 * pointer lives in a slab object is therefore reported (unless that object is registered as a
 * root); small kmallocs the slab serves are not heap blocks and never reported.
 *
 * <p>Configuration (PID {@value #PID}, optional, changed live): {@code min.age.millis}, blocks
 * younger than this are not reported (kmemleak waits a few seconds before it reports a block, so
 * that one just allocated and not yet linked is not taken for a leak); 0 by default.
 */
@Component(service = LeakDetector.class, configurationPid = LeakScanService.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class LeakScanService implements LeakDetector {
    public static final String PID = "org.clkernel.supervisor.leak";

    private final Machine machine;
    private final VirtualMemory vm;
    private final KernelHeap heap;
    private final Map<String, long[]> roots = new LinkedHashMap<>();
    private volatile long minAgeMillis;

    /** A detector outside a framework that reports every unreached block, however young. */
    public LeakScanService(Machine machine, VirtualMemory vm, KernelHeap heap) {
        this(machine, vm, heap, Map.of());
    }

    @Activate
    public LeakScanService(@Reference(name = "machine") Machine machine, @Reference(name = "vm") VirtualMemory vm,
            @Reference(name = "heap") KernelHeap heap, Map<String, Object> configuration) {
        this.machine = machine;
        this.vm = vm;
        this.heap = heap;
        configure(configuration);
    }

    @Modified
    void configure(Map<String, Object> configuration) {
        Object age = configuration.get("min.age.millis");
        if (age == null) {
            minAgeMillis = 0;
            return;
        }
        try {
            long value = Long.parseLong(age.toString().trim());
            if (value < 0) {
                throw new NumberFormatException();
            }
            minAgeMillis = value;
        } catch (NumberFormatException e) {
            System.err.println("supervisor: min.age.millis must be 0 or more, not " + age + "; kept "
                    + minAgeMillis);
        }
    }

    /** Blocks younger than this are not reported. */
    public long minAgeMillis() {
        return minAgeMillis;
    }

    @Override
    public synchronized void addRoot(String name, long address, long length) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a root needs a name");
        }
        if (!KernelReader.isKernelData(address, length)) {
            throw new IllegalArgumentException(String.format(
                    "root %s at 0x%x, %d bytes, is not inside the heap window or the direct map", name, address,
                    length));
        }
        roots.put(name, new long[] {address, length});
    }

    @Override
    public synchronized void removeRoot(String name) {
        roots.remove(name);
    }

    @Override
    public LeakReport scan() {
        long start = System.nanoTime();
        List<long[]> snapshot;
        synchronized (this) {
            snapshot = new ArrayList<>(roots.values());
        }
        BlockIndex blocks = LeakScan.liveBlocks(heap);
        return new LeakScan(new KernelReader(machine.physical(), vm), blocks).run(snapshot, heap, minAgeMillis,
                start);
    }
}
