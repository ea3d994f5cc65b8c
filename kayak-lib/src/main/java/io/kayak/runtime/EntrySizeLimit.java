package io.kayak.runtime;

import io.kayak.EntryTooLargeException;
import io.kayak.core.session.Envelope;
import io.kayak.HostOptions;
import io.kayak.storage.StorageOptions;
import io.kayak.transport.EntryFraming;
import io.kayak.transport.Rpc;
import io.kayak.transport.TransportOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;

/**
 * The entry size limit ({@link HostOptions#maxEntryBytes()}): which values agree with the rest of the options, and
 * its enforcement, before anything is queued or counted as pending, at the two doors through which a payload
 * enters the log: {@link io.kayak.Log#append} on this member, and a forwarded APPEND reaching this member (from a
 * follower whose own limit is larger).
 *
 * <p>An entry at the limit must fit everywhere an entry goes: one transport frame (with the headroom of
 * {@link EntryFraming}), one log segment record, and the pending-bytes budget of the member appending it.
 */
public final class EntrySizeLimit {
    private static final Logger LOG = LoggerFactory.getLogger(EntrySizeLimit.class);

    /**
     * The most bytes Kayak adds to an application payload in the log: the envelope of a session's append
     * ({@link Envelope#APPEND_HEADER}). A segment must hold the payload and these.
     */
    public static final int ENVELOPE_BYTES = Envelope.APPEND_HEADER;

    private final String memberId;
    private final int maxEntryBytes;

    EntrySizeLimit(String memberId, int maxEntryBytes) {
        this.memberId = memberId;
        this.maxEntryBytes = maxEntryBytes;
    }

    /**
     * The limit when none is set: {@link HostOptions#DEFAULT_MAX_ENTRY_BYTES}, or less when a smaller segment
     * capacity or pending-bytes limit leaves less room, so that setting those alone never makes the options
     * inconsistent.
     */
    public static int defaultFor(int segmentCapacity, long maxPendingBytes) {
        long limit = Math.min(HostOptions.DEFAULT_MAX_ENTRY_BYTES, Math.min(maxPendingBytes,
                Math.min(segmentPayloadBytes(segmentCapacity),
                        EntryFraming.maxPayloadBytes(TransportOptions.DEFAULT_MAX_FRAME_BYTES))));
        return (int) Math.max(0, limit);
    }

    /**
     * Checks that an entry of {@code maxEntryBytes} fits a frame, a segment of {@code segmentCapacity} and the
     * pending-bytes limit.
     *
     * @throws IllegalArgumentException naming the two settings that disagree, and their values
     */
    public static void validate(int maxEntryBytes, int segmentCapacity, long maxPendingBytes) {
        int frame = TransportOptions.DEFAULT_MAX_FRAME_BYTES;
        if (maxEntryBytes > EntryFraming.maxPayloadBytes(frame)) {
            throw new IllegalArgumentException("maxEntryBytes (" + maxEntryBytes + ") does not fit a frame: the "
                    + "transport's maxFrameBytes (" + frame + ") less " + EntryFraming.HEADROOM_BYTES
                    + " bytes of headroom for framing carries payloads of at most "
                    + EntryFraming.maxPayloadBytes(frame) + " bytes");
        }
        if (maxEntryBytes > segmentPayloadBytes(segmentCapacity)) {
            throw new IllegalArgumentException("maxEntryBytes (" + maxEntryBytes + ") does not fit a log segment: "
                    + "a segmentCapacity of " + segmentCapacity + " bytes holds payloads of at most "
                    + segmentPayloadBytes(segmentCapacity) + " bytes (less the segment's and the record's headers"
                    + " and the entry's envelope)");
        }
        if (maxPendingBytes < maxEntryBytes) {
            throw new IllegalArgumentException("maxPendingBytes (" + maxPendingBytes + ") is below maxEntryBytes ("
                    + maxEntryBytes + "): an append at the entry size limit would always be refused as overloaded");
        }
    }

    /** The largest application payload a segment holds: its record payload less the entry's envelope. */
    private static long segmentPayloadBytes(int segmentCapacity) {
        return StorageOptions.maxPayloadBytes(segmentCapacity) - ENVELOPE_BYTES;
    }

    /**
     * Why {@code payload} cannot be appended here, or {@code null} when it can.
     *
     * @throws NullPointerException when {@code payload} is null
     */
    EntryTooLargeException check(byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        if (payload.length <= maxEntryBytes) {
            return null;
        }
        return new EntryTooLargeException(message(payload.length), payload.length, maxEntryBytes);
    }

    /**
     * The application's share of a forwarded entry, and never less than what would not fit a segment: an entry
     * whose envelope claims no payload (a session's bookkeeping) but carries more is measured by its length.
     */
    private static int applicationBytes(byte[] entry) {
        int beyondEnvelopes = entry.length - ENVELOPE_BYTES;
        try {
            return Math.max(beyondEnvelopes, entry.length - Envelope.payloadOffset(entry));
        } catch (IllegalArgumentException notAnEnvelope) {
            return entry.length; // refused later as malformed, if it fits
        }
    }

    /**
     * Answers a forwarded APPEND above the limit with {@link Rpc.Error#ENTRY_TOO_LARGE}, which the follower turns
     * into {@link EntryTooLargeException}; returns whether it did (anything else is left alone).
     */
    boolean refuseForwarded(Rpc.Request request, PeerNetwork network) {
        if (request.kind() != Rpc.Kind.APPEND) {
            return false;
        }
        // The limit is on the application's payload; the entry's envelope (a few bytes) rides on top of it.
        int size = applicationBytes(request.payload());
        if (size <= maxEntryBytes) {
            return false;
        }
        LOG.debug("{}: refusing a forwarded append of {} bytes from {}: the limit is {}", memberId,
                size, request.replyTo(), maxEntryBytes);
        network.send(request.replyTo(), Rpc.Response.entryTooLarge(request.id(),
                "forwarded to " + memberId + ": " + message(size), size, maxEntryBytes));
        return true;
    }

    private String message(int size) {
        return "a payload of " + size + " bytes exceeds the entry size limit of " + maxEntryBytes + " bytes on "
                + memberId + " (HostOptions.maxEntryBytes); nothing was appended";
    }
}
