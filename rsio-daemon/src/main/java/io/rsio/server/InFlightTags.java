package io.rsio.server;

/**
 * The tags of one connection's requests that have no reply yet: an open-addressing set of
 * longs (linear probing, backward-shift deletion), so checking every request for a reused tag
 * costs no allocation. Confined to the connection's event loop.
 */
final class InFlightTags {
    private long[] slots;
    private boolean[] used;
    private int size;

    InFlightTags() {
        slots = new long[1024];
        used = new boolean[1024];
    }

    /** Adds {@code tag}; false (and nothing changes) when it is already in flight. */
    boolean add(long tag) {
        int mask = slots.length - 1;
        int i = index(tag, mask);
        while (used[i]) {
            if (slots[i] == tag) {
                return false;
            }
            i = (i + 1) & mask;
        }
        used[i] = true;
        slots[i] = tag;
        if (++size > slots.length / 2) {
            grow();
        }
        return true;
    }

    /** Removes {@code tag}; false when it was not in flight. */
    boolean remove(long tag) {
        int mask = slots.length - 1;
        int i = index(tag, mask);
        while (used[i]) {
            if (slots[i] == tag) {
                size--;
                closeGap(i, mask);
                return true;
            }
            i = (i + 1) & mask;
        }
        return false;
    }

    int size() {
        return size;
    }

    /** Moves later entries of the probe run back into the freed slot, so lookups stay correct. */
    private void closeGap(int free, int mask) {
        int i = free;
        while (true) {
            used[free] = false;
            int j = i;
            while (true) {
                j = (j + 1) & mask;
                if (!used[j]) {
                    return;
                }
                int home = index(slots[j], mask);
                // j's entry may move to 'free' only if its home is not cyclically in (free, j].
                boolean movable = free <= j ? (home <= free || home > j) : (home <= free && home > j);
                if (movable) {
                    slots[free] = slots[j];
                    used[free] = true;
                    free = j;
                    i = j;
                    break;
                }
            }
        }
    }

    private void grow() {
        long[] oldSlots = slots;
        boolean[] oldUsed = used;
        slots = new long[oldSlots.length * 2];
        used = new boolean[oldSlots.length * 2];
        size = 0;
        for (int i = 0; i < oldSlots.length; i++) {
            if (oldUsed[i]) {
                add(oldSlots[i]);
            }
        }
    }

    private static int index(long tag, int mask) {
        long h = tag * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
