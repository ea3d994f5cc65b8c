package io.kayak;

/**
 * An append whose payload is larger than the entry size limit, {@link HostOptions#maxEntryBytes()}. Nothing was
 * appended, and the same payload never will be: split it, or raise the limit on every member.
 *
 * <p>The member the application calls refuses such a payload before queueing it. A follower whose limit is larger
 * than the leader's forwards it, and the leader refuses it: {@link #limit()} is then the leader's.
 */
public final class EntryTooLargeException extends KayakException {
    private static final long serialVersionUID = 1L;
    private final long size;
    private final long limit;

    /** A payload of {@code size} bytes refused by a limit of {@code limit} bytes; {@code message} says where. */
    public EntryTooLargeException(String message, long size, long limit) {
        super(message);
        this.size = size;
        this.limit = limit;
    }

    /** The refused payload's size, in bytes. */
    public long size() {
        return size;
    }

    /** The limit it exceeded, in bytes: the {@link HostOptions#maxEntryBytes()} of the member that refused it. */
    public long limit() {
        return limit;
    }
}
