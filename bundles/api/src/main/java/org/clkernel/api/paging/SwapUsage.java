package org.clkernel.api.paging;

/**
 * The swap slots the paging system uses.
 *
 * @param slots       slots of the machine's swap device (0: no swap, so no page is ever evicted)
 * @param used        slots holding a page: swapped out, or a clean copy of a resident page
 * @param cleanCopies used slots that hold a copy of a page that is resident again
 */
public record SwapUsage(long slots, long used, long cleanCopies) {
}
