package org.clkernel.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;

import javax.inject.Inject;

import org.clkernel.api.CheckResult;
import org.clkernel.api.machine.Machine;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** The machine as the framework boots it, with no configuration: 128 MiB of RAM. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MachineIT {
    static final int DEFAULT_RAM_MIB = 128;

    @Inject
    Machine machine;

    @Configuration
    public Option[] configuration() {
        return RuntimeBundles.options();
    }

    @Test
    public void multibootMemoryMapReadBackFromRamEqualsTheFirmwareMap() {
        assertEquals(machine.memoryMap(), MultibootMemoryMap.read(machine.physical(), machine.multibootInfo()));
    }

    @Test
    public void memoryMapDescribesTheDefaultRam() {
        PcMemoryMapExpectations.assertDescribesRam(machine, DEFAULT_RAM_MIB);
    }

    @Test
    public void integrityChecksOfAFreshMachineAllPass() {
        List<CheckResult> results = machine.check();
        assertFalse("some structure is checked", results.isEmpty());
        for (CheckResult r : results) {
            assertTrue(r.toString(), r.isOk());
        }
    }
}
