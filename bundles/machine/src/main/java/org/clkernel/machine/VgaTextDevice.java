package org.clkernel.machine;

import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;

import org.clkernel.api.machine.MmioDevice;
import org.clkernel.api.machine.VgaText;

/**
 * The VGA memory window 0xA0000-0xBFFFF. Its colour text buffer is at 0xB8000: 80x25 cells of two
 * bytes, the code-page-437 character then the attribute (background in the high nibble).
 */
final class VgaTextDevice implements MmioDevice, VgaText {
    static final long WINDOW = 0xA0000L;
    static final int WINDOW_SIZE = 0x20000;
    private static final int TEXT_OFFSET = (int) (BUFFER - WINDOW);
    private static final Charset CP437 = cp437();

    private final byte[] memory = new byte[WINDOW_SIZE];

    @Override
    public String name() {
        return "vga";
    }

    @Override
    public long base() {
        return WINDOW;
    }

    @Override
    public long size() {
        return WINDOW_SIZE;
    }

    @Override
    public synchronized int read(long offset, int size) {
        int value = 0;
        for (int i = 0; i < size; i++) {
            value |= (memory[(int) offset + i] & 0xFF) << (8 * i);
        }
        return value;
    }

    @Override
    public synchronized void write(long offset, int size, int value) {
        for (int i = 0; i < size; i++) {
            memory[(int) offset + i] = (byte) (value >>> (8 * i));
        }
    }

    @Override
    public synchronized int cell(int row, int column) {
        if (row < 0 || row >= ROWS || column < 0 || column >= COLUMNS) {
            throw new IllegalArgumentException("no cell at row " + row + ", column " + column);
        }
        int at = TEXT_OFFSET + 2 * (row * COLUMNS + column);
        return (memory[at] & 0xFF) | (memory[at + 1] & 0xFF) << 8;
    }

    @Override
    public synchronized List<String> lines() {
        List<String> lines = new ArrayList<>(ROWS);
        byte[] row = new byte[COLUMNS];
        for (int r = 0; r < ROWS; r++) {
            for (int c = 0; c < COLUMNS; c++) {
                row[c] = memory[TEXT_OFFSET + 2 * (r * COLUMNS + c)];
            }
            lines.add(decode(row));
        }
        return lines;
    }

    /** Writes a string at a position with an attribute, as firmware does for its banner. */
    synchronized void print(int row, int column, String text, int attribute) {
        for (int i = 0; i < text.length() && column + i < COLUMNS; i++) {
            int at = TEXT_OFFSET + 2 * (row * COLUMNS + column + i);
            char ch = text.charAt(i);
            memory[at] = (byte) (ch < 0x80 ? ch : '?');
            memory[at + 1] = (byte) attribute;
        }
    }

    private static String decode(byte[] chars) {
        StringBuilder s = new StringBuilder(chars.length);
        for (byte b : chars) {
            int c = b & 0xFF;
            if (c < 0x20 || c == 0x7F) {
                s.append(c == 0 ? ' ' : '.'); // control codes have glyphs on a VGA; show them as dots
            } else if (c < 0x80 || CP437 == null) {
                s.append(c < 0x80 ? (char) c : '?');
            } else {
                s.append(new String(new byte[] {b}, CP437));
            }
        }
        return s.toString();
    }

    private static Charset cp437() {
        try {
            return Charset.forName("IBM437");
        } catch (RuntimeException e) {
            return null; // a JRE without the extended charsets: upper half shows as '?'
        }
    }
}
