package io.kayak.transport;

/**
 * How much of a frame one entry's payload may take: the frame limit less {@link #HEADROOM_BYTES} for the fields
 * around it. Every entry a member accepts must reach every other member in one frame, in either of the two frames
 * that carry a single payload: an {@code AppendRequest} holding just that entry, and the {@code ForwardRequest} of
 * an APPEND a follower hands to the leader.
 *
 * <p>The worst case of those fields, with member ids and addresses of {@value RpcCodec#MAX_NAME_CHARS} characters
 * (at most three UTF-8 bytes each) and every varint at its longest: an {@code AppendRequest} adds 6,227 bytes to
 * its one payload (from and to, four counters, the entry's index, term, kind and two length prefixes, the frame's
 * tag and length); a {@code ForwardRequest} adds 12,324 with all four of its name fields full (3,099 as a follower
 * sends it, with only {@code reply_to} set). The headroom is several times that, so a field added to these
 * messages later does not turn an entry that was accepted into one that can no longer be sent.
 *
 * <p>Batches of several entries are bounded by the core's {@code RaftOptions.maxAppendBytes} (1 MiB by
 * {@code Entry.size()}, payload plus 24): each entry's framing is at most 8 bytes more than those 24, so a full
 * batch frame stays under 1.34 MiB, and a batch that holds one larger entry holds that entry alone.
 * {@code EntryFramingTest} builds both worst cases and measures them.
 */
public final class EntryFraming {
    /** Bytes of each frame kept for everything but the payload of the one entry it carries. */
    public static final int HEADROOM_BYTES = 64 << 10;

    private EntryFraming() {
    }

    /** The largest payload that travels in one frame of at most {@code maxFrameBytes}. */
    public static int maxPayloadBytes(int maxFrameBytes) {
        return maxFrameBytes - HEADROOM_BYTES;
    }
}
