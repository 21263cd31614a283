package org.clkernel.api.paging;

/**
 * A reserved range of an address space: a page in it that is not mapped is filled with zeros on
 * first touch.
 *
 * @param start  first address, page aligned
 * @param length bytes, a multiple of the page size
 * @param prot   {@link Prot} bits its pages get
 */
public record Region(long start, long length, int prot) {

    public long end() {
        return start + length;
    }

    public boolean contains(long va) {
        return va >= start && va < start + length;
    }
}
