package org.clkernel.api.machine;

/**
 * A cached translation, with the rights the walk combined from the PDE and PTE.
 *
 * @param linearPage   linear address of the 4 KiB page this entry translates
 * @param physicalPage physical address of its 4 KiB frame
 * @param largePage    the translation came from a 4 MiB page
 * @param writable     R/W was set in every entry of the walk
 * @param user         U/S was set in every entry of the walk
 * @param dirty        the D flag was set when the entry was cached (a write through a clean
 *                     entry walks again to set D)
 * @param global       the page was global under CR4.PGE: the entry survives a CR3 load
 */
public record TlbEntry(long linearPage, long physicalPage, boolean largePage, boolean writable,
        boolean user, boolean dirty, boolean global) {
}
