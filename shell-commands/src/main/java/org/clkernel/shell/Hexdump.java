package org.clkernel.shell;

/** The "hexdump -C" layout: address, 16 bytes in two groups of 8, printable ASCII. */
final class Hexdump {
    private Hexdump() {
    }

    static String format(long address, byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (int line = 0; line < bytes.length; line += 16) {
            s.append(String.format("%08x ", address + line));
            StringBuilder ascii = new StringBuilder();
            for (int i = 0; i < 16; i++) {
                if (i == 8) {
                    s.append(' ');
                }
                if (line + i < bytes.length) {
                    int b = bytes[line + i] & 0xFF;
                    s.append(String.format(" %02x", b));
                    ascii.append(b >= 0x20 && b < 0x7F ? (char) b : '.');
                } else {
                    s.append("   ");
                }
            }
            s.append("  |").append(ascii).append("|\n");
        }
        return s.toString();
    }
}
