package io.kayak.storage;

import java.util.Arrays;

/** A growable list of primitive longs (kept sorted where {@link #lastBelow} is used): a few bytes per element instead of a boxed object per element. */
final class LongList {
    private long[] values = new long[8];
    private int size;

    int size() {
        return size;
    }

    long get(int i) {
        return values[i];
    }

    long last() {
        return values[size - 1];
    }

    /** Appends {@code value}, which must not be smaller than the last element. */
    void add(long value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = value;
    }

    /** The position of the greatest element {@code < bound}, or -1. */
    int lastBelow(long bound) {
        int lo = 0;
        int hi = size - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (values[mid] < bound) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** Removes every element {@code >= bound} (for a sorted list). */
    void removeFrom(long bound) {
        size = lastBelow(bound) + 1;
    }

    /** Keeps only the first {@code newSize} elements. */
    void shrinkTo(int newSize) {
        size = Math.min(size, newSize);
    }

    /** Removes the first {@code count} elements. */
    void removeFirst(int count) {
        System.arraycopy(values, count, values, 0, size - count);
        size -= count;
    }
}
