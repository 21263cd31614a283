package org.clkernel.replacement.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PageListTest {
    private static final class Page extends PageLink {
        Page(long id) {
            super(id);
        }
    }

    private static PageList<Page> listOf(String name, Page... pages) {
        PageList<Page> list = new PageList<>(name);
        for (Page p : pages) {
            list.addNewest(p);
        }
        return list;
    }

    private static long[] ids(PageList<Page> list) {
        long[] ids = new long[list.size()];
        list.copyIds(0, list.size(), ids, 0);
        return ids;
    }

    @Test
    void pagesRunFromTheOldestToTheNewest() {
        Page a = new Page(1);
        Page b = new Page(2);
        Page c = new Page(3);
        PageList<Page> list = listOf("T1", a, b, c);
        list.moveToNewest(a);
        assertArrayEquals(new long[] {2, 3, 1}, ids(list));
        assertSame(b, list.oldest());
        assertSame(c, list.newer(b));
        assertNull(list.newer(a));
        assertNull(list.check());
    }

    @Test
    void aRemovedPageIsOnNoList() {
        Page a = new Page(1);
        PageList<Page> list = listOf("Q", a, new Page(2));
        list.remove(a);
        assertNull(a.list());
        assertEquals(1, list.size());
        assertNull(list.check());
    }

    @Test
    void copyIdsSkipsTheOldest() {
        PageList<Page> list = listOf("Am", new Page(1), new Page(2), new Page(3), new Page(4));
        long[] into = new long[3];
        list.copyIds(1, 2, into, 1);
        assertArrayEquals(new long[] {0, 2, 3}, into);
        assertThrows(IndexOutOfBoundsException.class, () -> list.copyIds(3, 2, into, 0));
    }

    @Test
    void clearLeavesEveryPageOnNoList() {
        Page a = new Page(1);
        Page b = new Page(2);
        PageList<Page> list = listOf("S", a, b);
        list.clear();
        assertEquals(0, list.size());
        assertNull(a.list());
        assertNull(b.list());
    }

    @Test
    void aPageIsOnOneListAtATime() {
        Page a = new Page(1);
        PageList<Page> t1 = listOf("T1", a);
        PageList<Page> t2 = new PageList<>("T2");
        assertEquals("page 1 is already on T1", assertThrows(IllegalStateException.class, () -> t2.addNewest(a)).getMessage());
        assertEquals("page 1 is not on T2", assertThrows(IllegalStateException.class, () -> t2.remove(a)).getMessage());
        assertSame(t1, a.list());
    }

    @Test
    void theCheckNamesTheFirstBrokenPage() {
        Page a = new Page(1);
        Page b = new Page(2);
        Page c = new Page(3);
        PageList<Page> list = listOf("B1", a, b, c);
        c.older = a;
        assertEquals("B1: page 3 does not link back to its older neighbour", list.check());
        c.older = b;
        b.list = null;
        assertEquals("B1: page 2 is linked here but names no list", list.check());
    }
}
