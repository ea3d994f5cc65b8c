package io.kayak.server;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** An immutable byte string used as a map key: keys are binary over RESP, so they cannot be Java strings. */
public final class Bytes {
    private final byte[] data;
    private final int hash;

    private Bytes(byte[] data) {
        this.data = data;
        this.hash = Arrays.hashCode(data);
    }

    /** Wraps a copy of {@code data}. */
    public static Bytes copyOf(byte[] data) {
        return new Bytes(data.clone());
    }

    public static Bytes utf8(String text) {
        return new Bytes(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A copy of the bytes. */
    public byte[] toArray() {
        return data.clone();
    }

    public int length() {
        return data.length;
    }

    /** Decodes as UTF-8 (malformed sequences become U+FFFD). */
    public String utf8() {
        return new String(data, StandardCharsets.UTF_8);
    }

    byte[] unsafeArray() {
        return data;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes b && Arrays.equals(data, b.data);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return utf8();
    }
}
