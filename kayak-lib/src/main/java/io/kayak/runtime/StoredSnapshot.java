package io.kayak.runtime;

import io.kayak.ClosedException;
import io.kayak.Member;
import io.kayak.Snapshot;
import io.kayak.storage.SnapshotReader;

import java.util.List;

/** A {@link Snapshot} read from this member's snapshot store. */
final class StoredSnapshot implements Snapshot {
    private final SnapshotReader reader;
    private boolean closed;

    StoredSnapshot(SnapshotReader reader) {
        this.reader = reader;
        try {
            LibrarySection.read(reader); // the library's own section is not the application's
        } catch (RuntimeException e) {
            reader.close();
            throw e;
        }
    }

    @Override
    public long lastIndex() {
        return reader.metadata().lastIndex();
    }

    @Override
    public long lastTerm() {
        return reader.metadata().lastTerm();
    }

    @Override
    public List<Member> members() {
        return ApiTypes.members(reader.metadata().configuration());
    }

    @Override
    public byte[] next() {
        if (closed) {
            throw new ClosedException("the snapshot was closed");
        }
        return reader.next();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            reader.close();
        }
    }
}
