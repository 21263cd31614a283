package org.clkernel.api.paging;

/**
 * An actor's address space.
 *
 * @param actor         the owning actor (0 is the kernel, whose space holds only the kernel half)
 * @param pageDirectory physical address of its page directory, what CR3 holds while it runs
 */
public record AddressSpace(int actor, long pageDirectory) {
}
