package io.kayak.runtime;

import io.kayak.KayakException;
import io.kayak.MemberRemovedException;
import io.kayak.core.LogStore;
import io.kayak.storage.DataDirectory;
import io.kayak.storage.SnapshotStore;
import io.kayak.storage.StorageOptions;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

/**
 * A member's identity and storage, as found (or created) at start: the member id, the id of the cluster it
 * belongs to (once it has seeded or joined one), the log store, and what to close when the member stops (the
 * data directory's lock).
 */
public final class StoredMember {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String id;
    private final LogStore store;
    private final AutoCloseable resources;
    private final SnapshotStore snapshots;
    /** The data directory, or {@code null} for a member kept in memory. */
    private final Path dataDir;
    private volatile String clusterId;

    private StoredMember(String id, String clusterId, LogStore store, SnapshotStore snapshots, Path dataDir,
                         AutoCloseable resources) {
        this.id = id;
        this.clusterId = clusterId;
        this.store = store;
        this.snapshots = snapshots;
        this.dataDir = dataDir;
        this.resources = resources;
    }

    /** A member kept in memory only, with {@code id} (or a fresh one), in no cluster yet. */
    public static StoredMember inMemory(String id, LogStore store) {
        // The memory store is not thread-safe, and the runtime shares it between threads.
        return new StoredMember(id != null ? id : freshId(), null, new LockedLogStore(store), null, null, () -> { });
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
            Optional<MemberIdentity.Stored> stored = MemberIdentity.read(dataDir);
            String id;
            String cluster = null;
            if (stored.isPresent()) {
                id = stored.get().id();
                cluster = stored.get().clusterId();
                if (requestedId != null && !requestedId.equals(id)) {
                    throw new KayakException("the data directory " + dataDir + " belongs to member " + id
                            + ", not to " + requestedId + "; use another directory for a new member");
                }
                if (stored.get().removed()) {
                    throw new MemberRemovedException("member " + id + " (data directory " + dataDir
                            + ") was removed from cluster " + cluster + " and cannot start again: its peers would"
                            + " never send it the log. To bring this machine back, start it with a fresh, empty data"
                            + " directory and join the cluster (Kayak.join)");
                }
            } else {
                if (dir.log().lastIndex() > 0) {
                    throw new KayakException("the data directory " + dataDir + " holds a log but no member"
                            + " identity (" + MemberIdentity.FILE + "); refusing to guess whose it is");
                }
                id = requestedId != null ? requestedId : freshId();
                MemberIdentity.write(dataDir, id, null);
            }
            return new StoredMember(id, cluster, dir.log(), dir.snapshots(), dataDir, dir);
        } catch (RuntimeException e) {
            dir.close();
            throw e;
        }
    }

    private static String freshId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** A new cluster id for a cluster named {@code name}: the name, a dash, and 48 random bits in hex. */
    public static String newClusterId(String name) {
        byte[] random = new byte[6];
        RANDOM.nextBytes(random);
        return name + "-" + HexFormat.of().formatHex(random);
    }

    /**
     * Checks that this member may serve in a cluster named {@code name}, fixing its cluster id first if it has
     * none: a new id for a member that seeds ({@code seeding}), the bare name for a data directory written before
     * cluster ids existed (its peers present the name), nothing for a member about to join (it learns the id
     * from its JOIN answer).
     *
     * @throws KayakException if the stored cluster id belongs to a cluster of another name, naming both
     */
    public void checkCluster(String name, boolean seeding) {
        String current = clusterId;
        if (current == null) {
            if (store.lastIndex() > 0) {
                adoptCluster(name);
            } else if (seeding) {
                adoptCluster(newClusterId(name));
            }
            return;
        }
        if (!current.equals(name) && !current.startsWith(name + "-")) {
            throw new KayakException("member " + id + " belongs to cluster " + current + ", not to a cluster named "
                    + name + (dataDir == null ? "" : " (data directory " + dataDir + ")"));
        }
    }

    /**
     * Fixes the cluster id (durably, with a data directory). Idempotent for the same id.
     *
     * @throws KayakException if another cluster id is already fixed, naming both
     */
    public synchronized void adoptCluster(String cluster) {
        if (cluster.equals(clusterId)) {
            return;
        }
        if (clusterId != null) {
            throw new KayakException("member " + id + " belongs to cluster " + clusterId + ", not to cluster "
                    + cluster);
        }
        if (dataDir != null) {
            MemberIdentity.write(dataDir, id, cluster);
        }
        clusterId = cluster;
    }

    public String id() {
        return id;
    }

    /**
     * Records durably whether this member was removed from its cluster; a removed data directory refuses to open.
     * Nothing to record for an in-memory member.
     */
    public synchronized void markRemoved(boolean removed) {
        if (dataDir != null && clusterId != null) {
            MemberIdentity.write(dataDir, id, clusterId, removed);
        }
    }

    /** The cluster this member belongs to, or {@code null} while it has neither seeded nor joined one. */
    public String clusterId() {
        return clusterId;
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
