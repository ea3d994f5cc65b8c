package io.kayak;

import io.kayak.runtime.PeerNetwork;
import io.kayak.transport.TlsFiles;
import io.micrometer.core.instrument.MeterRegistry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How a {@link Host} runs. Built with {@link #builder()}; every setting has a documented default.
 *
 * <table>
 *   <caption>Defaults</caption>
 *   <tr><td>id</td><td>kept from the data directory; else chosen at first start</td></tr>
 *   <tr><td>listen</td><td>{@code 127.0.0.1:10240}; port 0 binds a free port (see {@link Builder#listen})</td></tr>
 *   <tr><td>advertise</td><td>the listen address, with the bound port when listening on port 0</td></tr>
 *   <tr><td>dataDir</td><td>none: the log is kept in memory and lost on stop</td></tr>
 *   <tr><td>segmentCapacity</td><td>64 MiB per log segment; compaction deletes whole segments, so smaller segments
 *   give back disk space sooner after {@link Log#compact}</td></tr>
 *   <tr><td>heartbeatInterval</td><td>30 ms (also the tick of the Raft clock)</td></tr>
 *   <tr><td>electionTimeout</td><td>300 ms, randomized in [1x, 2x) at every election</td></tr>
 *   <tr><td>requestTimeout</td><td>5 s for appends and read barriers</td></tr>
 *   <tr><td>maxPendingAppends / maxPendingBytes</td><td>10,000 appends / 64 MiB in flight on this member</td></tr>
 *   <tr><td>meterRegistry</td><td>none: metrics are not published</td></tr>
 *   <tr><td>cluster</td><td>{@code kayak}: the name every member of one cluster shares</td></tr>
 *   <tr><td>tls</td><td>none: members talk plaintext</td></tr>
 *   <tr><td>promotionLag / promotionDelay</td><td>a learner within 100 entries of the commit index for 200 ms is
 *   promoted to voter</td></tr>
 *   <tr><td>autoCompact</td><td>on: once a {@link SnapshotProvider} is registered ({@link Log#snapshotProvider}),
 *   the log is compacted by itself; without a provider, or without a data directory, nothing happens</td></tr>
 *   <tr><td>compactAfterEntries</td><td>100,000 committed entries beyond the newest snapshot trigger one</td></tr>
 *   <tr><td>compactAfterBytes</td><td>128 MiB of log records beyond the newest snapshot trigger one (two default
 *   segments)</td></tr>
 *   <tr><td>completion</td><td>{@link Completion#DISPATCH_THREAD}: futures complete, and their callbacks run, on a
 *   thread of the host's own</td></tr>
 *   <tr><td>compactTrailingEntries</td><td>5,000 entries below the snapshot stay in the log, so a follower lagging
 *   by less catches up from the log rather than from a snapshot</td></tr>
 * </table>
 */
public final class HostOptions {
    private final String id;
    private final String listen;
    private final String advertise;
    private final Path dataDir;
    private final Duration heartbeatInterval;
    private final Duration electionTimeout;
    private final Duration requestTimeout;
    private final int maxPendingAppends;
    private final long maxPendingBytes;
    private final Supplier<PeerNetwork> network;
    private final MeterRegistry meterRegistry;
    private final String cluster;
    private final long promotionLag;
    private final Duration promotionDelay;
    private final String replaces;
    private final TlsFiles tls;
    private final int segmentCapacity;
    private final boolean autoCompact;
    private final long compactAfterEntries;
    private final long compactAfterBytes;
    private final long compactTrailingEntries;
    private final Completion completion;

    private HostOptions(Builder b) {
        this.completion = Objects.requireNonNull(b.completion, "completion");
        this.segmentCapacity = b.segmentCapacity;
        this.autoCompact = b.autoCompact;
        this.compactAfterEntries = b.compactAfterEntries;
        this.compactAfterBytes = b.compactAfterBytes;
        this.compactTrailingEntries = b.compactTrailingEntries;
        this.id = b.id;
        this.listen = Objects.requireNonNull(b.listen, "listen");
        this.advertise = b.advertise == null ? b.listen : b.advertise;
        this.dataDir = b.dataDir;
        this.heartbeatInterval = b.heartbeatInterval;
        this.electionTimeout = b.electionTimeout;
        this.requestTimeout = b.requestTimeout;
        this.maxPendingAppends = b.maxPendingAppends;
        this.maxPendingBytes = b.maxPendingBytes;
        this.network = b.network;
        this.meterRegistry = b.meterRegistry;
        this.cluster = Objects.requireNonNull(b.cluster, "cluster");
        this.promotionLag = b.promotionLag;
        this.promotionDelay = b.promotionDelay;
        this.replaces = b.replaces;
        this.tls = b.tls;
        if (cluster.isEmpty() || promotionLag < 0 || promotionDelay.isNegative()) {
            throw new IllegalArgumentException("cluster must be named; promotion lag and delay must not be negative");
        }
        if (electionTimeout.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("the election timeout must be at least two heartbeat intervals");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The configured member id, or {@code null} to keep the stored one or choose one. */
    public String id() {
        return id;
    }

    public String listen() {
        return listen;
    }

    public String advertise() {
        return advertise;
    }

    /** The capacity of one log segment file, in bytes. */
    public int segmentCapacity() {
        return segmentCapacity;
    }

    /** Whether the log is compacted automatically once a {@link SnapshotProvider} is registered. */
    public boolean autoCompact() {
        return autoCompact;
    }

    /** How many committed entries beyond the newest snapshot trigger an automatic compaction. */
    public long compactAfterEntries() {
        return compactAfterEntries;
    }

    /** How many bytes of log records beyond the newest snapshot trigger an automatic compaction. */
    public long compactAfterBytes() {
        return compactAfterBytes;
    }

    /** How many entries below an automatic snapshot's index stay in the log for lagging followers. */
    public long compactTrailingEntries() {
        return compactTrailingEntries;
    }

    /** The data directory, or {@code null} for an in-memory member. */
    public Path dataDir() {
        return dataDir;
    }

    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    public Duration electionTimeout() {
        return electionTimeout;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public int maxPendingAppends() {
        return maxPendingAppends;
    }

    public long maxPendingBytes() {
        return maxPendingBytes;
    }

    /** The peer network to use, or {@code null} for the default TCP transport. */
    public Supplier<PeerNetwork> network() {
        return network;
    }

    /** Where the host's metrics go, or {@code null} for none. */
    public MeterRegistry meterRegistry() {
        return meterRegistry;
    }

    /**
     * The cluster's name. Seeding fixes a cluster id of this name plus a random suffix, stored in the data
     * directory; members only talk to members presenting that id (checked at every connection), and a data
     * directory of another cluster refuses to start.
     */
    public String cluster() {
        return cluster;
    }

    /** How many entries behind the leader's commit index a learner may be and still count as caught up. */
    public long promotionLag() {
        return promotionLag;
    }

    /** How long a learner must stay caught up before the leader promotes it to voter. */
    public Duration promotionDelay() {
        return promotionDelay;
    }

    /**
     * For {@link Kayak#join}: the id of the member this one replaces, or {@code null}. Once the newcomer has caught
     * up, the leader swaps the two in one joint configuration, so the number of voters never changes.
     */
    public String replaces() {
        return replaces;
    }

    /**
     * This member's TLS material for member-to-member traffic, or {@code null} for plaintext. With TLS, every
     * connection between members is TLS 1.3 with mutual authentication, and only members holding a certificate
     * of the trusted CA can join, vote, replicate or forward. Rewritten files are picked up for new connections
     * without a restart.
     */
    public TlsFiles tls() {
        return tls;
    }

    /** Which thread completes the futures of appends and read barriers (see {@link Completion}). */
    public Completion completion() {
        return completion;
    }

    /** Builds {@link HostOptions}. */
    public static final class Builder {
        private String id;
        private String listen = "127.0.0.1:10240";
        private String advertise;
        private Path dataDir;
        private Duration heartbeatInterval = Duration.ofMillis(30);
        private Duration electionTimeout = Duration.ofMillis(300);
        private Duration requestTimeout = Duration.ofSeconds(5);
        private int maxPendingAppends = 10_000;
        private long maxPendingBytes = 64L << 20;
        private Supplier<PeerNetwork> network;
        private MeterRegistry meterRegistry;
        private String cluster = "kayak";
        private long promotionLag = 100;
        private Duration promotionDelay = Duration.ofMillis(200);
        private String replaces;
        private TlsFiles tls;
        private int segmentCapacity = io.kayak.storage.StorageOptions.DEFAULT_SEGMENT_CAPACITY;
        private boolean autoCompact = true;
        private long compactAfterEntries = 100_000;
        private long compactAfterBytes = 128L << 20;
        private long compactTrailingEntries = 5_000;
        private Completion completion = Completion.DISPATCH_THREAD;

        private Builder() {
        }

        /**
         * Chooses the thread that completes the futures of appends and read barriers; {@link Completion#EVENT_LOOP}
         * saves thread wake-ups but runs the application's callbacks on the member's event loop.
         */
        public Builder completion(Completion where) {
            this.completion = where;
            return this;
        }

        /** Turns automatic compaction on (the default) or off; {@link Log#compact} works either way. */
        public Builder autoCompact(boolean on) {
            this.autoCompact = on;
            return this;
        }

        /** Compacts automatically once more than {@code entries} committed entries follow the newest snapshot. */
        public Builder compactAfterEntries(long entries) {
            if (entries < 1) {
                throw new IllegalArgumentException("compactAfterEntries must be at least 1, not " + entries);
            }
            this.compactAfterEntries = entries;
            return this;
        }

        /** Compacts automatically once the log records after the newest snapshot take more than {@code bytes}. */
        public Builder compactAfterBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("compactAfterBytes must be at least 1, not " + bytes);
            }
            this.compactAfterBytes = bytes;
            return this;
        }

        /**
         * Keeps at least {@code entries} entries below each automatic snapshot's index in the log (0 lets
         * compaction go up to the snapshot's index; the log deletes whole segment files only, so it may keep more).
         */
        public Builder compactTrailingEntries(long entries) {
            if (entries < 0) {
                throw new IllegalArgumentException("compactTrailingEntries must not be negative, not " + entries);
            }
            this.compactTrailingEntries = entries;
            return this;
        }

        public Builder segmentCapacity(int bytes) {
            if (bytes < 4096) {
                throw new IllegalArgumentException("a segment needs at least 4096 bytes, not " + bytes);
            }
            this.segmentCapacity = bytes;
            return this;
        }

        public Builder id(String id) {
            this.id = id;
            return this;
        }

        /**
         * The peer address to listen on, {@code host:port}. Port 0 binds a port the system picks, with no window in
         * which another process could take it; {@link Host#address()} then tells the port. Port 0 is for fresh
         * members: a member resuming from its data directory is still known to its peers by the address stored in
         * the cluster's configuration, so resume it on the port its first run bound ({@link Host#address()}), not
         * on port 0 again (that would bind another port, where its peers would not dial it).
         */
        public Builder listen(String hostPort) {
            this.listen = hostPort;
            return this;
        }

        /**
         * The peer address the other members dial, {@code host:port}, when it is not the listen address (a proxy, a
         * NAT, a host name). Port 0 here stands for the port actually bound.
         */
        public Builder advertise(String hostPort) {
            this.advertise = hostPort;
            return this;
        }

        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = interval;
            return this;
        }

        public Builder electionTimeout(Duration timeout) {
            this.electionTimeout = timeout;
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        public Builder maxPendingAppends(int count) {
            this.maxPendingAppends = count;
            return this;
        }

        public Builder maxPendingBytes(long bytes) {
            this.maxPendingBytes = bytes;
            return this;
        }

        /** Replaces the TCP transport, e.g. with an in-process network for tests. */
        public Builder network(Supplier<PeerNetwork> network) {
            this.network = network;
            return this;
        }

        /** Publishes the host's metrics (see the {@code kayak.*} meters) to {@code registry}. */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = registry;
            return this;
        }

        public Builder cluster(String name) {
            this.cluster = name;
            return this;
        }

        public Builder promotionLag(long entries) {
            this.promotionLag = entries;
            return this;
        }

        public Builder promotionDelay(Duration delay) {
            this.promotionDelay = delay;
            return this;
        }

        public Builder replaces(String memberId) {
            this.replaces = memberId;
            return this;
        }

        /** Mutual TLS between members with these PEM files ({@code null}, the default, for plaintext). */
        public Builder tls(TlsFiles files) {
            this.tls = files;
            return this;
        }

        public HostOptions build() {
            return new HostOptions(this);
        }
    }
}
