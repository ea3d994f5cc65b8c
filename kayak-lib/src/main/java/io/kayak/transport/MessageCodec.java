package io.kayak.transport;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import io.kayak.core.Entry;
import io.kayak.core.EntryKind;
import io.kayak.core.Message;
import io.kayak.core.Message.AppendRequest;
import io.kayak.core.Message.AppendResponse;
import io.kayak.core.Message.Heartbeat;
import io.kayak.core.Message.HeartbeatResponse;
import io.kayak.core.Message.ReadIndexRequest;
import io.kayak.core.Message.ReadIndexResponse;
import io.kayak.core.Message.TimeoutNow;
import io.kayak.core.Message.VoteRequest;
import io.kayak.core.Message.VoteResponse;
import io.kayak.transport.proto.RaftProto;
import io.kayak.transport.proto.RaftProto.Frame;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Translates the core's {@link Message}s to protobuf {@link Frame}s and back.
 *
 * <p>Encoding is total: every message the core can build has exactly one frame. Decoding is strict: a frame
 * decodes to a message only if it is one the core could have sent — member ids present, indexes and terms
 * non-negative, a known entry kind, entries contiguous from {@code prevIndex + 1} with terms that never
 * decrease, never fall below {@code prevTerm} and never exceed the request's term. Anything else is a
 * {@link ProtocolException}; no other exception escapes the decoding methods, whatever the input bytes.
 *
 * <p>Stateless and thread-safe. Payloads are wrapped, not copied, on encode ({@link Entry} payloads are
 * immutable by contract); decoding copies them out of the frame.
 */
public final class MessageCodec {
    private MessageCodec() {
    }

    /** The frame carrying {@code message}. */
    public static Frame encode(Message message) {
        Frame.Builder frame = Frame.newBuilder();
        // A switch over the sealed interface would be exhaustive with pattern matching (Java 21); on Java 17
        // the final else keeps a new message type from being silently sent as an empty frame.
        if (message instanceof VoteRequest m) {
            frame.setVoteRequest(RaftProto.VoteRequest.newBuilder()
                    .setFrom(m.from()).setTo(m.to()).setTerm(m.term())
                    .setPreVote(m.preVote()).setLastIndex(m.lastIndex()).setLastTerm(m.lastTerm())
                    .setTransfer(m.transfer()));
        } else if (message instanceof VoteResponse m) {
            frame.setVoteResponse(RaftProto.VoteResponse.newBuilder()
                    .setFrom(m.from()).setTo(m.to()).setTerm(m.term())
                    .setPreVote(m.preVote()).setGranted(m.granted()));
        } else if (message instanceof AppendRequest m) {
            RaftProto.AppendRequest.Builder b = RaftProto.AppendRequest.newBuilder()
                    .setFrom(m.from()).setTo(m.to()).setTerm(m.term())
                    .setPrevIndex(m.prevIndex()).setPrevTerm(m.prevTerm()).setCommit(m.commit());
            for (Entry e : m.entries()) {
                b.addEntries(RaftProto.Entry.newBuilder()
                        .setIndex(e.index()).setTerm(e.term()).setKindValue(e.kind().code())
                        .setPayload(UnsafeByteOperations.unsafeWrap(e.payload())));
            }
            frame.setAppendRequest(b);
        } else if (message instanceof AppendResponse m) {
            frame.setAppendResponse(RaftProto.AppendResponse.newBuilder()
                    .setFrom(m.from()).setTo(m.to()).setTerm(m.term())
                    .setSuccess(m.success()).setMatchIndex(m.matchIndex()).setRejectedIndex(m.rejectedIndex())
                    .setConflictTerm(m.conflictTerm()).setConflictIndex(m.conflictIndex()));
        } else if (message instanceof Heartbeat m) {
            frame.setHeartbeat(RaftProto.Heartbeat.newBuilder()
                    .setFrom(m.from()).setTo(m.to()).setTerm(m.term())
                    .setCommit(m.commit()).setReadRound(m.readRound()));
        } else if (message instanceof HeartbeatResponse m) {
            frame.setHeartbeatResponse(RaftProto.HeartbeatResponse.newBuilder()
                    .setFrom(m.from()).setTo(m.to()).setTerm(m.term()).setReadRound(m.readRound()));
        } else if (message instanceof TimeoutNow m) {
            frame.setTimeoutNow(RaftProto.TimeoutNow.newBuilder()
                    .setFrom(m.from()).setTo(m.to()).setTerm(m.term()));
        } else if (message instanceof ReadIndexRequest m) {
            frame.setReadIndexRequest(RaftProto.ReadIndexRequest.newBuilder()
                    .setFrom(m.from()).setTo(m.to()).setTerm(m.term()).setRequestId(m.requestId()));
        } else if (message instanceof ReadIndexResponse m) {
            frame.setReadIndexResponse(RaftProto.ReadIndexResponse.newBuilder()
                    .setFrom(m.from()).setTo(m.to()).setTerm(m.term())
                    .setRequestId(m.requestId()).setIndex(m.index()));
        } else {
            throw new IllegalArgumentException("no wire form for " + message.getClass().getName());
        }
        return frame.build();
    }

    /** Parses the bytes of one frame (without its length prefix). */
    public static Frame parseFrame(ByteBuffer bytes) throws ProtocolException {
        try {
            return Frame.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new ProtocolException("malformed frame: " + e.getMessage(), e);
        }
    }

    /** Parses and validates the bytes of one frame (without its length prefix) that must carry a Raft message. */
    public static Message decode(byte[] bytes) throws ProtocolException {
        return decode(parseFrame(ByteBuffer.wrap(bytes)));
    }

    /**
     * The Raft message a frame carries.
     *
     * @throws ProtocolException if the frame carries no Raft message (a handshake frame, an empty frame, a
     *                           field this version does not know) or a message the core could never have sent
     */
    public static Message decode(Frame frame) throws ProtocolException {
        switch (frame.getBodyCase()) {
            case VOTE_REQUEST: {
                RaftProto.VoteRequest m = frame.getVoteRequest();
                return new VoteRequest(member("from", m.getFrom()), member("to", m.getTo()), count("term", m.getTerm()),
                        m.getPreVote(), count("last_index", m.getLastIndex()), count("last_term", m.getLastTerm()),
                        m.getTransfer());
            }
            case VOTE_RESPONSE: {
                RaftProto.VoteResponse m = frame.getVoteResponse();
                return new VoteResponse(member("from", m.getFrom()), member("to", m.getTo()),
                        count("term", m.getTerm()), m.getPreVote(), m.getGranted());
            }
            case APPEND_REQUEST:
                return decodeAppend(frame.getAppendRequest());
            case APPEND_RESPONSE: {
                RaftProto.AppendResponse m = frame.getAppendResponse();
                return new AppendResponse(member("from", m.getFrom()), member("to", m.getTo()),
                        count("term", m.getTerm()), m.getSuccess(), count("match_index", m.getMatchIndex()),
                        count("rejected_index", m.getRejectedIndex()), count("conflict_term", m.getConflictTerm()),
                        count("conflict_index", m.getConflictIndex()));
            }
            case HEARTBEAT: {
                RaftProto.Heartbeat m = frame.getHeartbeat();
                return new Heartbeat(member("from", m.getFrom()), member("to", m.getTo()), count("term", m.getTerm()),
                        count("commit", m.getCommit()), count("read_round", m.getReadRound()));
            }
            case HEARTBEAT_RESPONSE: {
                RaftProto.HeartbeatResponse m = frame.getHeartbeatResponse();
                return new HeartbeatResponse(member("from", m.getFrom()), member("to", m.getTo()),
                        count("term", m.getTerm()), count("read_round", m.getReadRound()));
            }
            case TIMEOUT_NOW: {
                RaftProto.TimeoutNow m = frame.getTimeoutNow();
                return new TimeoutNow(member("from", m.getFrom()), member("to", m.getTo()), count("term", m.getTerm()));
            }
            case READ_INDEX_REQUEST: {
                RaftProto.ReadIndexRequest m = frame.getReadIndexRequest();
                return new ReadIndexRequest(member("from", m.getFrom()), member("to", m.getTo()),
                        count("term", m.getTerm()), m.getRequestId());
            }
            case READ_INDEX_RESPONSE: {
                RaftProto.ReadIndexResponse m = frame.getReadIndexResponse();
                if (m.getIndex() < -1) {
                    throw new ProtocolException("read index response with index " + m.getIndex());
                }
                return new ReadIndexResponse(member("from", m.getFrom()), member("to", m.getTo()),
                        count("term", m.getTerm()), m.getRequestId(), m.getIndex());
            }
            case HELLO:
            case HELLO_REPLY:
                throw new ProtocolException("handshake frame " + frame.getBodyCase() + " after the handshake");
            case FORWARD_REQUEST:
            case FORWARD_RESPONSE:
                throw new ProtocolException("frame " + frame.getBodyCase() + " carries no Raft message (see RpcCodec)");
            case BODY_NOT_SET:
            default:
                throw new ProtocolException("frame carries no known message");
        }
    }

    private static AppendRequest decodeAppend(RaftProto.AppendRequest m) throws ProtocolException {
        long term = count("term", m.getTerm());
        long prevIndex = count("prev_index", m.getPrevIndex());
        long prevTerm = count("prev_term", m.getPrevTerm());
        if (prevTerm > term) {
            throw new ProtocolException("append request prev_term " + prevTerm + " above its term " + term);
        }
        if (m.getEntriesCount() > Long.MAX_VALUE - prevIndex) {
            throw new ProtocolException("append request entries overflow the index space");
        }
        List<Entry> entries = new ArrayList<>(m.getEntriesCount());
        long expectedIndex = prevIndex + 1;
        long lastTerm = prevTerm;
        for (RaftProto.Entry e : m.getEntriesList()) {
            // Log matching (Raft §5.3) makes a leader's entries contiguous with terms that never decrease and
            // never exceed the leader's term; anything else would corrupt the follower's log.
            if (e.getIndex() != expectedIndex) {
                throw new ProtocolException("append request entry index " + Long.toUnsignedString(e.getIndex())
                        + " where " + expectedIndex + " was expected");
            }
            long entryTerm = count("entry term", e.getTerm());
            if (entryTerm < Math.max(1, lastTerm) || entryTerm > term) {
                throw new ProtocolException("append request entry " + expectedIndex + " has term " + entryTerm
                        + ", outside [" + Math.max(1, lastTerm) + ", " + term + "]");
            }
            EntryKind kind;
            try {
                kind = EntryKind.fromCode(e.getKindValue());
            } catch (IllegalArgumentException unknown) {
                throw new ProtocolException("append request entry " + expectedIndex + ": " + unknown.getMessage());
            }
            entries.add(new Entry(expectedIndex, entryTerm, kind, e.getPayload().toByteArray()));
            expectedIndex++;
            lastTerm = entryTerm;
        }
        return new AppendRequest(member("from", m.getFrom()), member("to", m.getTo()), term, prevIndex, prevTerm,
                entries, count("commit", m.getCommit()));
    }

    /** A member id: never empty, since an empty id would name nobody. */
    private static String member(String field, String id) throws ProtocolException {
        if (id.isEmpty()) {
            throw new ProtocolException("empty member id in field " + field);
        }
        return id;
    }

    /**
     * An index, term or counter. The wire type is unsigned, so a value at or above 2^63 arrives as a negative
     * long: no Raft log grows that far, and letting it through would break every comparison downstream.
     */
    private static long count(String field, long value) throws ProtocolException {
        if (value < 0) {
            throw new ProtocolException("field " + field + " out of range: " + Long.toUnsignedString(value));
        }
        return value;
    }
}
