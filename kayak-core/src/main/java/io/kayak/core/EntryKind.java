package io.kayak.core;

/**
 * What a log entry carries. Application entries are {@link #NORMAL}; the other kinds are written by Kayak itself
 * and reach listeners with their kind so that indices stay contiguous.
 */
public enum EntryKind {
    /** An application payload. */
    NORMAL(0),
    /** The empty entry every new leader appends so it can commit entries of earlier terms (Raft §5.4.2). */
    NOOP(1),
    /** A membership configuration ({@link Configuration}, encoded by {@link ConfigurationCodec}). */
    CONFIG(2);

    private final int code;

    EntryKind(int code) {
        this.code = code;
    }

    /** The stable one-byte code used on disk and on the wire. */
    public int code() {
        return code;
    }

    /**
     * Decodes a code written by {@link #code()}.
     *
     * @throws IllegalArgumentException for an unknown code, so corrupt input is never mistaken for an entry
     */
    public static EntryKind fromCode(int code) {
        switch (code) {
            case 0: return NORMAL;
            case 1: return NOOP;
            case 2: return CONFIG;
            default: throw new IllegalArgumentException("unknown entry kind " + code);
        }
    }
}
