package io.kayak.core.session;

/**
 * The first bytes of every application ({@code NORMAL}) entry's stored payload: what the entry is (a plain
 * payload, a session's append, or a session's own bookkeeping) and, for session entries, the leader's time stamp
 * and the session's numbers. The application only ever sees the payload after the header.
 *
 * <p>Layouts (big-endian):
 * <pre>
 * PLAIN      [0] payload
 * APPEND     [1] stamp:8 session:8 sequence:8 firstUnanswered:8 payload
 * OPEN       [2] stamp:8 timeoutMillis:8 maxSessions:4
 * KEEP_ALIVE [3] stamp:8 session:8 firstUnanswered:8
 * CLOSE      [4] stamp:8 session:8
 * </pre>
 * The stamp sits at one offset in every session entry so that the leader can write its clock into an entry it is
 * about to append ({@link #stamp}) without decoding it: log time is the leader's, never a follower's.
 */
public final class Envelope {
    /** The header of a plain entry: one byte. */
    public static final int PLAIN_HEADER = 1;
    /** The header of a session append. */
    public static final int APPEND_HEADER = 1 + 8 * 4;
    private static final int STAMP_OFFSET = 1;

    /** What an entry is. */
    public enum Type {
        PLAIN(0), APPEND(1), OPEN(2), KEEP_ALIVE(3), CLOSE(4);

        private final byte code;

        Type(int code) {
            this.code = (byte) code;
        }

        static Type of(byte code) {
            return switch (code) {
                case 0 -> PLAIN;
                case 1 -> APPEND;
                case 2 -> OPEN;
                case 3 -> KEEP_ALIVE;
                case 4 -> CLOSE;
                default -> throw new IllegalArgumentException("unknown entry envelope " + code);
            };
        }
    }

    private Envelope() {
    }

    /** A plain entry: the payload behind a one-byte header. */
    public static byte[] plain(byte[] payload) {
        byte[] out = new byte[PLAIN_HEADER + payload.length];
        System.arraycopy(payload, 0, out, PLAIN_HEADER, payload.length);
        return out;
    }

    /** A session's append of {@code payload} as its {@code sequence}, unstamped. */
    public static byte[] append(long session, long sequence, long firstUnanswered, byte[] payload) {
        return Bytes.writing(APPEND_HEADER + payload.length).put(Type.APPEND.code).putLong(0).putLong(session)
                .putLong(sequence).putLong(firstUnanswered).put(payload).array();
    }

    /** The registration of a new session, unstamped; its id will be the index this entry commits at. */
    public static byte[] open(long timeoutMillis, int maxSessions) {
        return Bytes.writing(1 + 8 + 8 + 4).put(Type.OPEN.code).putLong(0).putLong(timeoutMillis)
                .putInt(maxSessions).array();
    }

    /** A keep-alive of an idle session, unstamped. */
    public static byte[] keepAlive(long session, long firstUnanswered) {
        return Bytes.writing(1 + 8 * 3).put(Type.KEEP_ALIVE.code).putLong(0).putLong(session)
                .putLong(firstUnanswered).array();
    }

    /** The end of a session, unstamped. */
    public static byte[] close(long session) {
        return Bytes.writing(1 + 8 * 2).put(Type.CLOSE.code).putLong(0).putLong(session).array();
    }

    /**
     * The type of an encoded entry.
     *
     * @throws IllegalArgumentException for an empty payload or an unknown type
     */
    public static Type type(byte[] entry) {
        if (entry.length == 0) {
            throw new IllegalArgumentException("an application entry has at least its envelope byte");
        }
        return Type.of(entry[0]);
    }

    /** Writes the leader's clock into a session entry (plain entries carry no stamp and are left alone). */
    public static void stamp(byte[] entry, long millis) {
        if (entry.length >= STAMP_OFFSET + 8 && type(entry) != Type.PLAIN) {
            Bytes.reading(entry, STAMP_OFFSET).putLong(millis);
        }
    }

    /** How many header bytes precede the application's payload ({@code APPEND} and {@code PLAIN} only). */
    public static int payloadOffset(byte[] entry) {
        return switch (type(entry)) {
            case PLAIN -> PLAIN_HEADER;
            case APPEND -> APPEND_HEADER;
            default -> entry.length;
        };
    }

    /** The decoded fields of a session entry (the ones its type has; the others are 0). */
    public record Fields(Type type, long stamp, long session, long sequence, long firstUnanswered,
                         long timeoutMillis, int maxSessions) {
    }

    /**
     * Decodes a session entry's header.
     *
     * @throws IllegalArgumentException when the entry is plain, or too short for its type
     */
    public static Fields decode(byte[] entry) {
        Type type = type(entry);
        if (type == Type.PLAIN) {
            throw new IllegalArgumentException("a plain entry has no session fields");
        }
        Bytes b = Bytes.reading(entry, STAMP_OFFSET);
        long stamp = b.getLong();
        return switch (type) {
            case APPEND -> new Fields(type, stamp, b.getLong(), b.getLong(), b.getLong(), 0, 0);
            case OPEN -> new Fields(type, stamp, 0, 0, 0, b.getLong(), b.getInt());
            case KEEP_ALIVE -> new Fields(type, stamp, b.getLong(), 0, b.getLong(), 0, 0);
            default -> new Fields(type, stamp, b.getLong(), 0, 0, 0, 0);
        };
    }
}
