package io.kayak.core.session;

/**
 * Big-endian numbers in byte arrays, written and read at a moving position: the session codecs' only tool (the core
 * keeps clear of {@code java.nio}, see {@code CorePurityTest}).
 */
final class Bytes {
    private final byte[] array;
    private int position;

    private Bytes(byte[] array, int position) {
        this.array = array;
        this.position = position;
    }

    static Bytes writing(int size) {
        return new Bytes(new byte[size], 0);
    }

    static Bytes reading(byte[] array, int position) {
        return new Bytes(array, position);
    }

    Bytes put(byte b) {
        array[position++] = b;
        return this;
    }

    Bytes putInt(int v) {
        for (int shift = 24; shift >= 0; shift -= 8) {
            array[position++] = (byte) (v >>> shift);
        }
        return this;
    }

    Bytes putLong(long v) {
        for (int shift = 56; shift >= 0; shift -= 8) {
            array[position++] = (byte) (v >>> shift);
        }
        return this;
    }

    Bytes put(byte[] bytes) {
        System.arraycopy(bytes, 0, array, position, bytes.length);
        position += bytes.length;
        return this;
    }

    /** @throws IllegalArgumentException when fewer than four bytes remain */
    int getInt() {
        need(4);
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v = (v << 8) | (array[position++] & 0xff);
        }
        return v;
    }

    /** @throws IllegalArgumentException when fewer than eight bytes remain */
    long getLong() {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (array[position++] & 0xff);
        }
        return v;
    }

    int remaining() {
        return array.length - position;
    }

    byte[] array() {
        return array;
    }

    private void need(int bytes) {
        if (remaining() < bytes) {
            throw new IllegalArgumentException("truncated: " + bytes + " bytes needed, " + remaining() + " left");
        }
    }
}
