package org.clkernel.api.machine;

/** Memory-map region types, numbered as in E820 and the Multiboot mmap. */
public enum RegionType {
    USABLE(1, "usable"),
    RESERVED(2, "reserved"),
    ACPI_RECLAIMABLE(3, "ACPI data"),
    ACPI_NVS(4, "ACPI NVS"),
    BAD(5, "unusable");

    private final int code;
    private final String label;

    RegionType(int code, String label) {
        this.code = code;
        this.label = label;
    }

    /** The number written into the Multiboot mmap entry. */
    public int code() {
        return code;
    }

    /** The name Linux prints for this type in its e820 table. */
    public String label() {
        return label;
    }

    /** The type for a Multiboot/E820 number; unknown numbers are reserved, as the spec says. */
    public static RegionType of(int code) {
        for (RegionType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return RESERVED;
    }
}
