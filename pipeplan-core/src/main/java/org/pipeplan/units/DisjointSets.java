package org.pipeplan.units;

/** Union-find over 0..n-1 with path halving; {@link #mergeInto} keeps a chosen representative. */
final class DisjointSets {

    private final int[] parent;

    DisjointSets(int n) {
        parent = new int[n];
        for (int i = 0; i < n; i++) {
            parent[i] = i;
        }
    }

    int find(int x) {
        while (parent[x] != x) {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        return x;
    }

    /** Joins the sets of a and b; returns the new representative. */
    int union(int a, int b) {
        int ra = find(a);
        int rb = find(b);
        if (ra != rb) {
            parent[ra] = rb;
        }
        return rb;
    }

    /** Joins child's set into parent's set, keeping parent's representative. */
    void mergeInto(int child, int parentElement) {
        int rc = find(child);
        int rp = find(parentElement);
        if (rc != rp) {
            parent[rc] = rp;
        }
    }
}
