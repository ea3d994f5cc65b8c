package io.kayak.runtime;

import io.kayak.KayakException;
import io.kayak.core.LogStore;
import io.kayak.storage.DataDirectory;
import io.kayak.storage.SnapshotStore;
import io.kayak.storage.StorageOptions;

import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

/**
 * A member's identity and storage, as found (or created) at start: the member id, the log store, and what to
 * close when the member stops (the data directory's lock).
 */
public final class StoredMember {
    private final String id;
    private final LogStore store;
    private final AutoCloseable resources;
    private final SnapshotStore snapshots;

    private StoredMember(String id, LogStore store, SnapshotStore snapshots, AutoCloseable resources) {
        this.id = id;
        this.store = store;
        this.snapshots = snapshots;
        this.resources = resources;
    }

    /** A member kept in memory only, with {@code id} (or a fresh one). */
    public static StoredMember inMemory(String id, LogStore store) {
        return new StoredMember(id != null ? id : freshId(), store, null, () -> { });
    }

    /**
     * Opens the data directory (locking it) and checks whose it is. A directory of member X refuses to start as
     * member Y; an empty directory is claimed for {@code requestedId} (or a fresh id).
     */
    public static StoredMember open(Path dataDir, String requestedId) {
        return open(dataDir, requestedId, StorageOptions.defaults());
    }

    /** {@link #open(Path, String)} with explicit storage options. */
    public static StoredMember open(Path dataDir, String requestedId, StorageOptions options) {
        DataDirectory dir = DataDirectory.open(dataDir, options);
        try {
            Optional<String> stored = MemberIdentity.read(dataDir);
            String id;
            if (stored.isPresent()) {
                id = stored.get();
                if (requestedId != null && !requestedId.equals(id)) {
                    throw new KayakException("the data directory " + dataDir + " belongs to member " + id
                            + ", not to " + requestedId + "; use another directory for a new member");
                }
            } else {
                if (dir.log().lastIndex() > 0) {
                    throw new KayakException("the data directory " + dataDir + " holds a log but no member"
                            + " identity (" + MemberIdentity.FILE + "); refusing to guess whose it is");
                }
                id = requestedId != null ? requestedId : freshId();
                MemberIdentity.write(dataDir, id);
            }
            return new StoredMember(id, dir.log(), dir.snapshots(), dir);
        } catch (RuntimeException e) {
            dir.close();
            throw e;
        }
    }

    private static String freshId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    public String id() {
        return id;
    }

    public LogStore store() {
        return store;
    }

    /** The snapshot files, or empty for an in-memory member (which cannot compact its log). */
    public Optional<SnapshotStore> snapshots() {
        return Optional.ofNullable(snapshots);
    }

    /** Releases the storage (called once the member has stopped). */
    public void close() {
        try {
            resources.close();
        } catch (Exception e) {
            throw new KayakException("cannot close the storage of " + id + ": " + e.getMessage(), e);
        }
    }
}
