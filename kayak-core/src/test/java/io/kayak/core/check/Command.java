package io.kayak.core.check;

import java.util.Objects;

/**
 * What a client asked of one key's register: a read, a write, a compare-and-set or a delete.
 *
 * <p>Values are strings; an absent value is {@code null}. A write and a compare-and-set always install a present
 * value (removing one is what {@link Kind#DELETE} is for), and a compare-and-set only ever compares against a
 * present value: it succeeds iff the register currently holds exactly {@link #expected()}.
 *
 * @param kind     the operation
 * @param key      the register the operation addresses; registers of different keys are independent
 * @param expected the value a compare-and-set expects; {@code null} for every other kind
 * @param value    the value a write or a successful compare-and-set installs; {@code null} for reads and deletes
 */
public record Command(Kind kind, String key, String expected, String value) {

    /** The operations of the register model. */
    public enum Kind {
        READ, WRITE, CAS, DELETE
    }

    public Command {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(key, "key");
        boolean needsExpected = kind == Kind.CAS;
        boolean needsValue = kind == Kind.WRITE || kind == Kind.CAS;
        if ((expected != null) != needsExpected) {
            throw new IllegalArgumentException(kind + " " + (needsExpected ? "needs" : "takes no") + " expected value");
        }
        if ((value != null) != needsValue) {
            throw new IllegalArgumentException(kind + " " + (needsValue ? "needs" : "takes no") + " value");
        }
    }

    public static Command read(String key) {
        return new Command(Kind.READ, key, null, null);
    }

    public static Command write(String key, String value) {
        return new Command(Kind.WRITE, key, null, value);
    }

    public static Command cas(String key, String expected, String value) {
        return new Command(Kind.CAS, key, expected, value);
    }

    public static Command delete(String key) {
        return new Command(Kind.DELETE, key, null, null);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case READ -> "read(" + key + ")";
            case WRITE -> "write(" + key + ", " + Response.quote(value) + ")";
            case CAS -> "cas(" + key + ", " + Response.quote(expected) + " -> " + Response.quote(value) + ")";
            case DELETE -> "delete(" + key + ")";
        };
    }
}
