package io.kayak.server;

import java.nio.ByteBuffer;

/**
 * A state machine command as it travels through the log. Every command is deterministic: its result (whether a
 * compare-and-set swapped, whether a delete found the key, the value an increment produced) is computed when it is
 * applied, identically on every member, never when it is proposed.
 *
 * <p>Encoding: one opcode byte, then each field as a 4-byte big-endian length followed by its bytes.
 */
public sealed interface Command {
    byte PUT = 1;
    byte CAS = 2;
    byte DELETE = 3;
    byte INCR = 4;
    byte REGISTER = 5;

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

    /** The log payload of this command. */
    default byte[] encode() {
        if (this instanceof Put p) {
            return encode(PUT, p.key().unsafeArray(), p.value().unsafeArray());
        } else if (this instanceof Cas c) {
            return encode(CAS, c.key().unsafeArray(), c.expected().unsafeArray(), c.value().unsafeArray());
        } else if (this instanceof Delete d) {
            return encode(DELETE, d.key().unsafeArray());
        } else if (this instanceof Incr i) {
            return encode(INCR, i.key().unsafeArray());
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

    /**
     * Decodes a log payload.
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
            default -> throw new IllegalArgumentException("unknown opcode " + opcode);
        };
        if (buf.hasRemaining()) {
            throw new IllegalArgumentException("trailing bytes after opcode " + opcode);
        }
        return command;
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
