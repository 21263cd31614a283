package org.clkernel.heap.support;

import java.util.Arrays;

/**
 * A sorted map from long keys to long values: an AVL tree (Adelson-Velsky and Landis, 1962) whose
 * nodes are ints indexing parallel arrays, so no operation boxes or allocates except when the
 * arrays double. Lookups by key and the ceiling, higher and first searches are O(log n), and so
 * are insertion and removal.
 *
 * <p>A node id is valid only until the next {@link #put} or {@link #remove}: removal may move a
 * key to another node.
 *
 * <p>Invariants: keys strictly increase in order (left subtree, node, right subtree); every node
 * records its height, one more than its taller child's (the empty tree, {@link #NIL}, has height
 * 0); children's heights differ by at most one; nodes not in the tree are on the free stack.
 */
public final class LongTree {
    /** No node: the empty subtree, or the answer of a search that found nothing. */
    public static final int NIL = 0;

    private long[] key;
    private long[] value;
    private int[] left;
    private int[] right;
    private int[] height;
    private int[] freeNodes;
    private int free;
    /** Nodes at or above this one were never handed out; node 0 is {@link #NIL}. */
    private int highWater = 1;
    private int root = NIL;
    private int size;
    /** Set by the recursive insert and remove: whether the tree gained or lost a key. */
    private boolean changed;

    public LongTree() {
        this(64);
    }

    public LongTree(int capacity) {
        int n = Math.max(4, capacity + 1);
        key = new long[n];
        value = new long[n];
        left = new int[n];
        right = new int[n];
        height = new int[n];
        freeNodes = new int[n];
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public long key(int node) {
        return key[node];
    }

    public long value(int node) {
        return value[node];
    }

    /** Maps a key to a value, replacing the value it had. @return whether the key is new */
    public boolean put(long k, long v) {
        if (highWater == key.length && free == 0) {
            grow(); // before the descent: the recursion stores into the arrays it read on the way down
        }
        changed = false;
        root = insert(root, k, v);
        if (changed) {
            size++;
        }
        return changed;
    }

    /** Drops a key. @return whether it was there */
    public boolean remove(long k) {
        changed = false;
        root = delete(root, k);
        if (changed) {
            size--;
        }
        return changed;
    }

    /** Empties the tree; the arrays keep their size. */
    public void clear() {
        root = NIL;
        size = 0;
        free = 0;
        highWater = 1;
    }

    /** The node of a key, or {@link #NIL}. */
    public int find(long k) {
        int n = root;
        while (n != NIL && key[n] != k) {
            n = k < key[n] ? left[n] : right[n];
        }
        return n;
    }

    /** The node of the least key at least {@code k}, or {@link #NIL}. */
    public int ceiling(long k) {
        int best = NIL;
        for (int n = root; n != NIL; ) {
            if (key[n] >= k) {
                best = n;
                if (key[n] == k) {
                    break;
                }
                n = left[n];
            } else {
                n = right[n];
            }
        }
        return best;
    }

    /** The node of the least key greater than {@code k}, or {@link #NIL}. */
    public int higher(long k) {
        int best = NIL;
        for (int n = root; n != NIL; ) {
            if (key[n] > k) {
                best = n;
                n = left[n];
            } else {
                n = right[n];
            }
        }
        return best;
    }

    /** The node of the least key, or {@link #NIL} when the tree is empty. */
    public int first() {
        int n = root;
        if (n != NIL) {
            while (left[n] != NIL) {
                n = left[n];
            }
        }
        return n;
    }

    /** Every key in order into {@code keys} and its value into {@code values}, each of length {@link #size()}. */
    public void copyInOrder(long[] keys, long[] values) {
        int[] stack = new int[height[root] + 1];
        int depth = 0;
        int i = 0;
        for (int n = root; n != NIL || depth > 0; ) {
            if (n != NIL) {
                stack[depth++] = n;
                n = left[n];
            } else {
                n = stack[--depth];
                keys[i] = key[n];
                values[i++] = value[n];
                n = right[n];
            }
        }
    }

    /**
     * Walks the tree: order, heights, balance and the node count, then the free stack.
     *
     * @return the first broken node, named, or {@code null} when the tree is sound
     */
    public String check() {
        if (height[NIL] != 0 || left[NIL] != NIL || right[NIL] != NIL) {
            return "the empty node has children or a height";
        }
        boolean[] seen = new boolean[highWater];
        int[] count = {0};
        String problem = checkNode(root, Long.MIN_VALUE, false, Long.MAX_VALUE, false, seen, count);
        if (problem != null) {
            return problem;
        }
        if (count[0] != size) {
            return "the tree holds " + count[0] + " keys, its count says " + size;
        }
        if (count[0] + free + 1 != highWater) {
            return "of " + (highWater - 1) + " nodes " + count[0] + " are in the tree and " + free + " free";
        }
        for (int i = 0; i < free; i++) {
            int n = freeNodes[i];
            if (n <= NIL || n >= highWater || seen[n]) {
                return "free node " + n + " is out of range, in the tree or free twice";
            }
            seen[n] = true;
        }
        return null;
    }

    private String checkNode(int n, long low, boolean hasLow, long high, boolean hasHigh, boolean[] seen, int[] count) {
        if (n == NIL) {
            return null;
        }
        if (n < 0 || n >= highWater || seen[n]) {
            return "node " + n + " is out of range or reached twice";
        }
        seen[n] = true;
        count[0]++;
        long k = key[n];
        if ((hasLow && k <= low) || (hasHigh && k >= high)) {
            return String.format("key 0x%x is out of order", k);
        }
        String problem = checkNode(left[n], low, hasLow, k, true, seen, count);
        if (problem == null) {
            problem = checkNode(right[n], k, true, high, hasHigh, seen, count);
        }
        if (problem != null) {
            return problem;
        }
        int l = height[left[n]];
        int r = height[right[n]];
        if (height[n] != Math.max(l, r) + 1) {
            return String.format("the node of key 0x%x records height %d, its children say %d", k, height[n], Math.max(l, r) + 1);
        }
        if (Math.abs(l - r) > 1) {
            return String.format("the node of key 0x%x is out of balance (%d against %d)", k, l, r);
        }
        return null;
    }

    private int insert(int n, long k, long v) {
        if (n == NIL) {
            changed = true;
            return node(k, v);
        }
        if (k < key[n]) {
            left[n] = insert(left[n], k, v);
        } else if (k > key[n]) {
            right[n] = insert(right[n], k, v);
        } else {
            value[n] = v;
            return n;
        }
        return balance(n);
    }

    private int delete(int n, long k) {
        if (n == NIL) {
            return NIL;
        }
        if (k < key[n]) {
            left[n] = delete(left[n], k);
        } else if (k > key[n]) {
            right[n] = delete(right[n], k);
        } else {
            changed = true;
            if (left[n] == NIL || right[n] == NIL) {
                int child = left[n] != NIL ? left[n] : right[n];
                freeNodes[free++] = n;
                return child;
            }
            // two children: this node takes over its successor's entry, which leaves the right subtree
            int s = right[n];
            while (left[s] != NIL) {
                s = left[s];
            }
            key[n] = key[s];
            value[n] = value[s];
            right[n] = delete(right[n], key[s]);
        }
        return balance(n);
    }

    private int node(long k, long v) {
        int n = free > 0 ? freeNodes[--free] : highWater++;
        key[n] = k;
        value[n] = v;
        left[n] = NIL;
        right[n] = NIL;
        height[n] = 1;
        return n;
    }

    private int balance(int n) {
        int l = left[n];
        int r = right[n];
        int diff = height[l] - height[r];
        if (diff > 1) {
            if (height[left[l]] < height[right[l]]) {
                left[n] = rotateLeft(l);
            }
            return rotateRight(n);
        }
        if (diff < -1) {
            if (height[right[r]] < height[left[r]]) {
                right[n] = rotateRight(r);
            }
            return rotateLeft(n);
        }
        height[n] = Math.max(height[l], height[r]) + 1;
        return n;
    }

    private int rotateRight(int n) {
        int l = left[n];
        left[n] = right[l];
        right[l] = n;
        fix(n);
        fix(l);
        return l;
    }

    private int rotateLeft(int n) {
        int r = right[n];
        right[n] = left[r];
        left[r] = n;
        fix(n);
        fix(r);
        return r;
    }

    private void fix(int n) {
        height[n] = Math.max(height[left[n]], height[right[n]]) + 1;
    }

    private void grow() {
        int n = key.length * 2;
        key = Arrays.copyOf(key, n);
        value = Arrays.copyOf(value, n);
        left = Arrays.copyOf(left, n);
        right = Arrays.copyOf(right, n);
        height = Arrays.copyOf(height, n);
        freeNodes = Arrays.copyOf(freeNodes, n);
    }
}
