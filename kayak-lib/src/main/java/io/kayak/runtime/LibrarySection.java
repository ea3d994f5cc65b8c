package io.kayak.runtime;

import io.kayak.StorageCorruptedException;
import io.kayak.core.session.SessionTable;
import io.kayak.storage.SnapshotReader;
import io.kayak.storage.SnapshotStore;

import java.util.Arrays;

/**
 * The library's own section of a snapshot: the first event of every snapshot file, ahead of the application's
 * events, holding the replicated session table as of the snapshot's last index. A member that starts from a
 * snapshot, or installs one from the leader, takes its session table from here, so sessions survive restarts and
 * reach new members exactly as every other member has them.
 */
public final class LibrarySection {
    /** The section's own format, so that later versions can add to it. */
    private static final byte VERSION = 1;

    private LibrarySection() {
    }

    /** The section holding {@code table}, as the first event of a snapshot file. */
    public static byte[] encode(SessionTable table) {
        byte[] body = table.encode();
        byte[] out = new byte[1 + body.length];
        out[0] = VERSION;
        System.arraycopy(body, 0, out, 1, body.length);
        return out;
    }

    /**
     * Reads the section of an opened snapshot: call before its first application event.
     *
     * @throws StorageCorruptedException when the first event is not a section this version can read
     */
    static SessionTable read(SnapshotReader reader) {
        byte[] event = reader.next();
        if (event == null || event.length == 0 || event[0] != VERSION) {
            throw new StorageCorruptedException(reader.file(), 0, "the first event is not the library's section"
                    + " (version " + VERSION + ")");
        }
        try {
            return SessionTable.decode(Arrays.copyOfRange(event, 1, event.length));
        } catch (IllegalArgumentException e) {
            throw new StorageCorruptedException(reader.file(), 0, "the session table is damaged: "
                    + e.getMessage());
        }
    }

    /** The session table of the newest snapshot in {@code store}, or an empty table without one. */
    static SessionTable latest(SnapshotStore store) {
        if (store == null) {
            return new SessionTable();
        }
        return store.openLatest().map(reader -> {
            try (reader) {
                return read(reader);
            }
        }).orElseGet(SessionTable::new);
    }
}
