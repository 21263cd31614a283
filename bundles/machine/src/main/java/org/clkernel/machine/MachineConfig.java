package org.clkernel.machine;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "CLKernel/J machine", description = "The emulated x86 PC. Changing the RAM or swap size resets the machine.")
@interface MachineConfig {

    @AttributeDefinition(name = "RAM (MiB)", min = "4", max = "3072",
            description = "Installed RAM in MiB, 4 to 3072. Untouched RAM costs no Java memory.")
    int ram_mib() default EmulatedMachine.DEFAULT_RAM_MIB;

    @AttributeDefinition(name = "Swap (MiB)", min = "0", max = "4096",
            description = "Size of the swap disk in MiB, 0 to 4096 (0: no swap). A change resets the machine.")
    int swap_mib() default EmulatedMachine.DEFAULT_SWAP_MIB;

    @AttributeDefinition(name = "TLB entries", min = "1", max = "4096",
            description = "Slots of each new CPU context's direct-mapped TLB; a power of two.")
    int tlb_entries() default EmulatedMachine.DEFAULT_TLB_ENTRIES;
}
