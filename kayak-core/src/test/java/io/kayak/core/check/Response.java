package io.kayak.core.check;

import java.util.Objects;

/**
 * What an operation that completed {@link Outcome#OK ok} observed.
 *
 * <p>The {@link #kind()} must match the command's: a read returns the value it saw ({@code null} when the key was
 * absent), a write returns nothing, a compare-and-set whether it succeeded, a delete whether the key was present.
 *
 * @param kind  the kind of the operation this answers
 * @param value the value a read observed, {@code null} for absent; always {@code null} for the other kinds
 * @param flag  a compare-and-set's success or a delete's "found"; {@code true} for writes, {@code false} for reads
 */
public record Response(Command.Kind kind, String value, boolean flag) {

    public Response {
        Objects.requireNonNull(kind, "kind");
        if (value != null && kind != Command.Kind.READ) {
            throw new IllegalArgumentException("only a read returns a value");
        }
        // Fixing the flag of the kinds that carry none keeps record equality meaningful for the model check.
        if (kind == Command.Kind.WRITE && !flag || kind == Command.Kind.READ && flag) {
            throw new IllegalArgumentException(kind + " carries no flag");
        }
    }

    /** A read that observed {@code value} ({@code null}: the key was absent). */
    public static Response read(String value) {
        return new Response(Command.Kind.READ, value, false);
    }

    /** An acknowledged write. */
    public static Response written() {
        return new Response(Command.Kind.WRITE, null, true);
    }

    /** A compare-and-set that succeeded ({@code true}) or found another value ({@code false}). */
    public static Response cas(boolean succeeded) {
        return new Response(Command.Kind.CAS, null, succeeded);
    }

    /** A delete that found the key present ({@code true}) or already absent ({@code false}). */
    public static Response deleted(boolean found) {
        return new Response(Command.Kind.DELETE, null, found);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case READ -> quote(value);
            case WRITE -> "ok";
            case CAS -> flag ? "succeeded" : "failed";
            case DELETE -> flag ? "found" : "not found";
        };
    }

    static String quote(String value) {
        return value == null ? "absent" : '"' + value + '"';
    }
}
