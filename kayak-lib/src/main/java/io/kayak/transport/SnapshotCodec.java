package io.kayak.transport;

import com.google.protobuf.ByteString;
import io.kayak.transport.proto.RaftProto;
import io.kayak.transport.proto.RaftProto.Frame;
import io.kayak.transport.proto.RaftProto.SnapshotAckStatus;

/**
 * Translates {@link SnapshotFrame}s to protobuf {@link Frame}s and back. Both directions apply the same rules: ids
 * non-empty and at most {@link RpcCodec#MAX_NAME_CHARS} characters, a positive term, snapshot index and transfer
 * id, a chunk lying inside its file ({@code offset + data.length <= totalSize}), an ack with a status. Decoding
 * turns a violation into a {@link ProtocolException}; encoding into an {@link IllegalArgumentException}, so a
 * sender's bug shows at the sender. Checksums are the receiver's business: a damaged chunk is a gap to resend, not
 * a reason to close the connection.
 */
public final class SnapshotCodec {
    private SnapshotCodec() {
    }

    /** Whether {@code frame} carries a snapshot chunk or ack. */
    public static boolean carriesSnapshot(Frame frame) {
        return frame.hasSnapshotChunk() || frame.hasSnapshotAck();
    }

    /** The frame carrying {@code f}; the chunk's data is copied. */
    public static Frame encode(SnapshotFrame f) {
        String problem = problem(f);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        if (f instanceof SnapshotFrame.Chunk c) {
            return Frame.newBuilder().setSnapshotChunk(RaftProto.SnapshotChunk.newBuilder()
                    .setFrom(c.from()).setTo(c.to()).setTerm(c.term())
                    .setSnapshotIndex(c.snapshotIndex()).setSnapshotTerm(c.snapshotTerm())
                    .setTransfer(c.transfer()).setRound(c.round()).setOffset(c.offset())
                    .setData(ByteString.copyFrom(c.data())).setDataCrc(c.dataCrc())
                    .setTotalSize(c.totalSize()).setTotalCrc(c.totalCrc())).build();
        }
        SnapshotFrame.Ack a = (SnapshotFrame.Ack) f;
        String message = a.message().length() > RpcCodec.MAX_MESSAGE_CHARS
                ? a.message().substring(0, RpcCodec.MAX_MESSAGE_CHARS) : a.message();
        return Frame.newBuilder().setSnapshotAck(RaftProto.SnapshotAck.newBuilder()
                .setFrom(a.from()).setTo(a.to()).setTerm(a.term()).setSnapshotIndex(a.snapshotIndex())
                .setTransfer(a.transfer()).setRound(a.round()).setNextOffset(a.nextOffset())
                .setStatus(wire(a.status())).setMessage(message)).build();
    }

    /** The snapshot frame in {@code frame}. */
    public static SnapshotFrame decode(Frame frame) throws ProtocolException {
        SnapshotFrame f;
        if (frame.hasSnapshotChunk()) {
            RaftProto.SnapshotChunk c = frame.getSnapshotChunk();
            f = new SnapshotFrame.Chunk(c.getFrom(), c.getTo(), c.getTerm(), c.getSnapshotIndex(),
                    c.getSnapshotTerm(), c.getTransfer(), c.getRound(), c.getOffset(), c.getData().toByteArray(),
                    c.getDataCrc(), c.getTotalSize(), c.getTotalCrc());
        } else if (frame.hasSnapshotAck()) {
            RaftProto.SnapshotAck a = frame.getSnapshotAck();
            SnapshotFrame.Status status = status(a.getStatus());
            if (status == null) {
                throw new ProtocolException("snapshot ack without a valid status: " + a.getStatus());
            }
            f = new SnapshotFrame.Ack(a.getFrom(), a.getTo(), a.getTerm(), a.getSnapshotIndex(), a.getTransfer(),
                    a.getRound(), a.getNextOffset(), status, a.getMessage());
        } else {
            throw new ProtocolException("not a snapshot frame: " + frame.getBodyCase());
        }
        String problem = problem(f);
        if (problem != null) {
            throw new ProtocolException(problem);
        }
        return f;
    }

    private static String problem(SnapshotFrame f) {
        String ids = RpcCodec.nameProblem("from", f.from());
        if (ids == null) {
            ids = RpcCodec.nameProblem("to", f.to());
        }
        if (ids != null) {
            return ids;
        }
        if (f.term() <= 0) {
            return "snapshot frame with term " + f.term();
        }
        if (f instanceof SnapshotFrame.Chunk c) {
            if (c.snapshotIndex() <= 0 || c.snapshotTerm() <= 0 || c.transfer() == 0) {
                return "snapshot chunk without snapshot index, term or transfer id: " + c;
            }
            if (c.offset() < 0 || c.totalSize() <= 0 || c.offset() > c.totalSize() - c.data().length
                    || c.data().length == 0) {
                return "snapshot chunk outside its file: " + c;
            }
            return null;
        }
        SnapshotFrame.Ack a = (SnapshotFrame.Ack) f;
        if (a.snapshotIndex() <= 0 || a.transfer() == 0 || a.nextOffset() < 0) {
            return "snapshot ack without snapshot index or transfer id, or with a negative offset: " + a;
        }
        return null;
    }

    private static SnapshotAckStatus wire(SnapshotFrame.Status s) {
        switch (s) {
            case RECEIVING: return SnapshotAckStatus.SNAPSHOT_ACK_STATUS_RECEIVING;
            case GAP: return SnapshotAckStatus.SNAPSHOT_ACK_STATUS_GAP;
            case INSTALLED: return SnapshotAckStatus.SNAPSHOT_ACK_STATUS_INSTALLED;
            default: return SnapshotAckStatus.SNAPSHOT_ACK_STATUS_REFUSED;
        }
    }

    private static SnapshotFrame.Status status(SnapshotAckStatus s) {
        switch (s) {
            case SNAPSHOT_ACK_STATUS_RECEIVING: return SnapshotFrame.Status.RECEIVING;
            case SNAPSHOT_ACK_STATUS_GAP: return SnapshotFrame.Status.GAP;
            case SNAPSHOT_ACK_STATUS_INSTALLED: return SnapshotFrame.Status.INSTALLED;
            case SNAPSHOT_ACK_STATUS_REFUSED: return SnapshotFrame.Status.REFUSED;
            default: return null;
        }
    }
}
