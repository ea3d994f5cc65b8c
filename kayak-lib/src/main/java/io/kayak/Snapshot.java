package io.kayak;

import io.kayak.core.Configuration;
import io.kayak.storage.SnapshotReader;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The newest snapshot of this member, opened for reading: the last index and term it covers, the membership in
 * force at that index, and the application's events, streamed from disk one at a time (never held whole in
 * memory). Rebuild the state machine from the events, then listen to the log from {@code lastIndex() + 1}.
 * Close it when done. Not thread-safe.
 */
public final class Snapshot implements AutoCloseable {
    private final SnapshotReader reader;

    public Snapshot(SnapshotReader reader) {
        this.reader = reader;
    }

    /** The last log index the snapshot covers. */
    public long lastIndex() {
        return reader.metadata().lastIndex();
    }

    /** The term of the entry at {@link #lastIndex()}. */
    public long lastTerm() {
        return reader.metadata().lastTerm();
    }

    /** The members of the configuration in force at {@link #lastIndex()}. */
    public List<Member> members() {
        Configuration c = reader.metadata().configuration();
        List<Member> members = new ArrayList<>();
        for (Map.Entry<String, String> e : c.addresses().entrySet()) {
            members.add(new Member(e.getKey(), e.getValue(), c.isVoter(e.getKey())));
        }
        return members;
    }

    /**
     * The next event, in the order the application supplied them, or {@code null} after the last one.
     *
     * @throws io.kayak.StorageCorruptedException when the file is damaged (each event has a CRC)
     */
    public byte[] next() {
        return reader.next();
    }

    @Override
    public void close() {
        reader.close();
    }
}
