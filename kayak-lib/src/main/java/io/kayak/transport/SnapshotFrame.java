package io.kayak.transport;

import java.util.Objects;

/**
 * The frames that stream a snapshot from the leader to a member whose next entries were compacted away: the
 * leader's {@link Chunk}s and the receiver's {@link Ack}s. They travel on member connections, like Raft messages,
 * and are validated by {@link SnapshotCodec}. The protocol is described in docs/transport.md ("Snapshot streaming").
 */
public sealed interface SnapshotFrame {
    /** The member that sends this frame. */
    String from();

    /** The member it is for. */
    String to();

    /** The sender's term. */
    long term();

    /**
     * A piece of the snapshot file.
     *
     * @param snapshotIndex the snapshot's last index
     * @param snapshotTerm  the term of that index
     * @param transfer      the sender's id for this transfer (never 0); a new id restarts from offset 0
     * @param round         the sender's resend round (see {@link Ack#round()})
     * @param offset        where {@code data} starts in the file
     * @param data          the bytes (never copied by the record: do not change them after handing it over)
     * @param dataCrc       CRC32C of {@code data}
     * @param totalSize     the size of the whole file
     * @param totalCrc      CRC32C over the whole file
     */
    record Chunk(String from, String to, long term, long snapshotIndex, long snapshotTerm, long transfer, long round,
                 long offset, byte[] data, int dataCrc, long totalSize, int totalCrc) implements SnapshotFrame {
        public Chunk {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(data, "data");
        }

        /** Whether this chunk ends the file. */
        public boolean last() {
            return offset + data.length == totalSize;
        }

        @Override
        public String toString() {
            return "Chunk[" + from + "->" + to + " term " + term + " snapshot " + snapshotIndex + " transfer "
                    + transfer + " round " + round + " offset " + offset + " +" + data.length + "/" + totalSize + "]";
        }
    }

    /** What the receiver says about a chunk. */
    enum Status {
        /** Written; continue from {@code nextOffset}. */
        RECEIVING,
        /** The chunk did not start at {@code nextOffset} or was damaged: resend from {@code nextOffset}. */
        GAP,
        /** Complete, verified, durable and installed. */
        INSTALLED,
        /** Refused for good (stale term, damaged whole, storage failure): stop this transfer. */
        REFUSED
    }

    /**
     * The receiver's answer to a chunk.
     *
     * @param round      the round of the chunk answered: the sender acts on a gap only in its current round, so
     *                   the gaps reported for chunks it sent before it rewound do not rewind it again
     * @param nextOffset how many bytes of the file the receiver holds contiguously
     * @param message    detail of a refusal, empty otherwise
     */
    record Ack(String from, String to, long term, long snapshotIndex, long transfer, long round, long nextOffset,
               Status status, String message) implements SnapshotFrame {
        public Ack {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(status, "status");
            message = message == null ? "" : message;
        }
    }
}
