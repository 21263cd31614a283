package org.clkernel.api.machine;

import org.osgi.annotation.versioning.ProviderType;

/** The VGA colour text buffer at 0xB8000: 80x25 cells of character + attribute. */
@ProviderType
public interface VgaText {
    int COLUMNS = 80;
    int ROWS = 25;
    long BUFFER = 0xB8000L;

    /** The 16-bit cell (attribute in the high byte, code-page-437 character in the low byte). */
    int cell(int row, int column);

    /** The screen as 25 lines of 80 characters, code page 437 translated to Unicode. */
    java.util.List<String> lines();
}
