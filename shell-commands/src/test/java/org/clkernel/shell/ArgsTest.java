package org.clkernel.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ArgsTest {

    @Test
    void acceptsHexAndDecimal() {
        assertEquals(0xB8000L, Args.address("address", "0xB8000"));
        assertEquals(753664L, Args.address("address", "753664"));
        assertEquals(0xFFFFFFFFL, Args.address("address", "0xffffffff"));
    }

    @Test
    void rejectsWhatIsNotANumberWithOneSentence() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Args.address("address", "zz"));
        assertEquals("address 'zz' is not a number (use 0x-prefixed hex or decimal)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Args.address("address", "0x"));
        assertThrows(IllegalArgumentException.class, () -> Args.address("address", ""));
    }

    @Test
    void rejectsAddressesPastFourGigabytes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Args.address("address", "0x100000000"));
        assertTrue(e.getMessage().contains("outside 0..0xffffffff"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Args.address("address", "-1"));
    }

    @Test
    void choiceIsCaseInsensitiveAndNamesTheAlternatives() {
        assertEquals("cr3", Args.choice("register", "CR3", "cr0", "cr3"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Args.choice("register", "cr9", "cr0", "cr3"));
        assertEquals("register 'cr9' must be one of cr0, cr3", e.getMessage());
    }

    @Test
    void bytesUseBinaryUnits() {
        assertEquals("4 KiB", Args.bytes(4096));
        assertEquals("128 MiB", Args.bytes(128L << 20));
        assertEquals("1.5 KiB", Args.bytes(1536));
        assertEquals("3 GiB", Args.bytes(3L << 30));
    }
}
