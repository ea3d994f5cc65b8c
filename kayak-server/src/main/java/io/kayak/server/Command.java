package io.kayak.server;

import java.nio.ByteBuffer;

/**
 * A state machine command as it travels through the log, or (for {@link Remembered}) as a snapshot carries it.
 * Every command is deterministic: its result (whether a compare-and-set swapped, whether a delete found the key, the
 * value an increment produced) is computed when it is applied, identically on every member, never when it is
 * proposed.
 *
 * <p>Encoding: one opcode byte, then each field as a 4-byte big-endian length followed by its bytes (a number is an
 * 8-byte field, a nested command a field holding its encoding).
 */
public sealed interface Command {
    byte PUT = 1;
    byte CAS = 2;
    byte DELETE = 3;
    byte INCR = 4;
    byte REGISTER = 5;
    byte SESSION_WRITE = 6;
    byte REMEMBERED = 7;

    /** Sets {@code key} to {@code value}. */
    record Put(Bytes key, Bytes value) implements Command {
    }

    /** Sets {@code key} to {@code value} only if it currently holds {@code expected}. */
    record Cas(Bytes key, Bytes expected, Bytes value) implements Command {
    }

    /** Removes {@code key}. */
    record Delete(Bytes key) implements Command {
    }

    /** Adds one to the decimal integer held at {@code key} (absent counts as 0). */
    record Incr(Bytes key) implements Command {
    }

    /**
     * Publishes where member {@code memberId} serves clients, so every member can point clients at the leader and
     * poll the others for the status table.
     */
    record Register(String memberId, String http, String resp) implements Command {
    }

    /**
     * A client's write made in a session: applies {@code write} (a put, compare-and-set, delete or increment) and
     * remembers its result under {@code at}, so that a retry of the same write is answered with it. The library
     * strips its own session envelope before listeners see an entry, so the numbers travel here too.
     */
    record SessionWrite(SessionSequence at, Command write) implements Command {
        /** @throws IllegalArgumentException when {@code write} is not a client's write */
        public SessionWrite {
            if (!isClientWrite(write)) {
                throw new IllegalArgumentException("a session write wraps a put, cas, delete or incr, not " + write);
            }
        }
    }

    /**
     * A snapshot event, never appended: the result {@code outcome} that the session write {@code sequence} of
     * {@code session} had, as {@link SessionResults} remembers it.
     */
    record Remembered(long session, long sequence, Outcome outcome) implements Command {
    }

    /** Whether {@code c} is one of the writes a client asks for (and so may make in a session). */
    static boolean isClientWrite(Command c) {
        return c instanceof Put || c instanceof Cas || c instanceof Delete || c instanceof Incr;
    }

    /** The log payload (or snapshot event) of this command. */
    default byte[] encode() {
        // An instanceof chain: Java 17 has no pattern-matching switch.
        if (this instanceof Put p) {
            return encode(PUT, p.key().unsafeArray(), p.value().unsafeArray());
        } else if (this instanceof Cas c) {
            return encode(CAS, c.key().unsafeArray(), c.expected().unsafeArray(), c.value().unsafeArray());
        } else if (this instanceof Delete d) {
            return encode(DELETE, d.key().unsafeArray());
        } else if (this instanceof Incr i) {
            return encode(INCR, i.key().unsafeArray());
        } else if (this instanceof SessionWrite s) {
            return encode(SESSION_WRITE, number(s.at().session()), number(s.at().sequence()),
                    number(s.at().firstUnanswered()), s.write().encode());
        } else if (this instanceof Remembered m) {
            return encode(REMEMBERED, number(m.session()), number(m.sequence()), number(m.outcome().index()),
                    Bytes.utf8(m.outcome().status().name()).unsafeArray(), number(m.outcome().number()));
        }
        Register r = (Register) this;
        return encode(REGISTER, Bytes.utf8(r.memberId()).unsafeArray(), Bytes.utf8(r.http()).unsafeArray(),
                Bytes.utf8(r.resp()).unsafeArray());
    }

    private static byte[] encode(byte opcode, byte[]... fields) {
        int size = 1;
        for (byte[] f : fields) {
            size += 4 + f.length;
        }
        ByteBuffer buf = ByteBuffer.allocate(size).put(opcode);
        for (byte[] f : fields) {
            buf.putInt(f.length).put(f);
        }
        return buf.array();
    }

    private static byte[] number(long n) {
        return ByteBuffer.allocate(Long.BYTES).putLong(n).array();
    }

    /**
     * Decodes a log payload or a snapshot event.
     *
     * @throws IllegalArgumentException when the payload is not a command this version knows
     */
    static Command decode(byte[] payload) {
        ByteBuffer buf = ByteBuffer.wrap(payload);
        if (!buf.hasRemaining()) {
            throw new IllegalArgumentException("empty command");
        }
        byte opcode = buf.get();
        Command command = switch (opcode) {
            case PUT -> new Put(field(buf), field(buf));
            case CAS -> new Cas(field(buf), field(buf), field(buf));
            case DELETE -> new Delete(field(buf));
            case INCR -> new Incr(field(buf));
            case REGISTER -> new Register(field(buf).utf8(), field(buf).utf8(), field(buf).utf8());
            case SESSION_WRITE -> new SessionWrite(new SessionSequence(number(buf), number(buf), number(buf)),
                    decode(field(buf).unsafeArray()));
            case REMEMBERED -> new Remembered(number(buf), number(buf), remembered(buf));
            default -> throw new IllegalArgumentException("unknown opcode " + opcode);
        };
        if (buf.hasRemaining()) {
            throw new IllegalArgumentException("trailing bytes after opcode " + opcode);
        }
        return command;
    }

    /**
     * Decodes a log payload: like {@link #decode}, but refuses what only a snapshot holds.
     *
     * @throws IllegalArgumentException when the payload is not a log command this version knows
     */
    static Command decodeEntry(byte[] payload) {
        Command command = decode(payload);
        if (command instanceof Remembered) {
            throw new IllegalArgumentException("a snapshot event in the log");
        }
        return command;
    }

    private static Outcome remembered(ByteBuffer buf) {
        long index = number(buf);
        String status = field(buf).utf8();
        long number = number(buf);
        try {
            return new Outcome(index, Outcome.Status.valueOf(status), number);
        } catch (IllegalArgumentException unknown) {
            throw new IllegalArgumentException("unknown outcome status " + status);
        }
    }

    private static long number(ByteBuffer buf) {
        Bytes field = field(buf);
        if (field.length() != Long.BYTES) {
            throw new IllegalArgumentException("a number field of " + field.length() + " bytes");
        }
        return ByteBuffer.wrap(field.unsafeArray()).getLong();
    }

    private static Bytes field(ByteBuffer buf) {
        if (buf.remaining() < 4) {
            throw new IllegalArgumentException("truncated command");
        }
        int length = buf.getInt();
        if (length < 0 || length > buf.remaining()) {
            throw new IllegalArgumentException("field length " + length + " out of range");
        }
        byte[] data = new byte[length];
        buf.get(data);
        return Bytes.copyOf(data);
    }
}
