package io.kayak;

import io.kayak.runtime.EntrySizeLimit;
import io.kayak.TlsFiles;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

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
 *   <tr><td>joinTimeout</td><td>30 s for {@link Kayak#join} to find a member that admits this one, asking its
 *   peers round after round: long enough for a cluster started together with the joiner to come up (its members
 *   binding their ports, a first election, perhaps a retried one), short enough that a wrong address list is
 *   reported while someone still watches</td></tr>
 *   <tr><td>maxPendingAppends / maxPendingBytes</td><td>10,000 appends / 64 MiB in flight on this member</td></tr>
 *   <tr><td>maxEntryBytes</td><td>4 MiB per payload ({@link #DEFAULT_MAX_ENTRY_BYTES}, which says why), or less when
 *   a smaller segmentCapacity or maxPendingBytes leaves less room; larger appends fail with
 *   {@link EntryTooLargeException}</td></tr>
 *   <tr><td>sessionTimeout</td><td>60 s of log time without an entry from a {@link Session} before it expires; an
 *   open session sends a keep-alive every quarter of it, and it must exceed requestTimeout</td></tr>
 *   <tr><td>maxSessions</td><td>10,000 open sessions; opening one more evicts the one closest to expiry</td></tr>
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
    /**
     * The default entry size limit, 4 MiB: "a few MiB", the order of etcd's 1.5 MiB request limit, with room for
     * kayak-server's largest command (a CAS of a 1 KiB key and two 1 MiB values, just over 2 MiB). Small against
     * what an entry must fit: a quarter of the transport's 16 MiB frame limit, a sixteenth of a 64 MiB log segment
     * (so little of a segment's tail goes unused), and 64 MiB of pending bytes still admit 16 appends at the limit.
     * The cost of a large entry is latency: the AppendEntries carrying it is four times the core's 1 MiB batches and
     * takes 34 ms to cross a 1 Gbit/s link, about one heartbeat interval and a tenth of the election timeout, while
     * the heartbeats queued behind it wait; and an entry at the limit no longer fits the 4 MiB cache of recent
     * entries, so replication reads it back from disk. Up to 16 MiB less 64 KiB can be set
     * ({@link Builder#maxEntryBytes}); slow links call for less.
     */
    public static final int DEFAULT_MAX_ENTRY_BYTES = 4 << 20;

    private final String id;
    private final String listen;
    private final String advertise;
    private final Path dataDir;
    private final Duration heartbeatInterval;
    private final Duration electionTimeout;
    private final Duration requestTimeout;
    private final Duration sessionTimeout;
    private final int maxSessions;
    private final Duration joinTimeout;
    private final int maxPendingAppends;
    private final long maxPendingBytes;
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
    private final Consumer<String> onListening;
    private final int maxEntryBytes;

    private HostOptions(Builder b) {
        this.completion = Objects.requireNonNull(b.completion, "completion");
        this.onListening = b.onListening;
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
        this.sessionTimeout = b.sessionTimeout;
        this.maxSessions = b.maxSessions;
        if (sessionTimeout.compareTo(requestTimeout) <= 0 || maxSessions < 1) {
            throw new IllegalArgumentException("the session timeout (" + sessionTimeout + ") must exceed the request"
                    + " timeout (" + requestTimeout + "), which bounds one append's retries; maxSessions must be"
                    + " at least 1, not " + maxSessions);
        }
        this.joinTimeout = b.joinTimeout;
        this.maxPendingAppends = b.maxPendingAppends;
        this.maxPendingBytes = b.maxPendingBytes;
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
        this.maxEntryBytes = b.maxEntryBytes == 0
                ? EntrySizeLimit.defaultFor(segmentCapacity, maxPendingBytes) : b.maxEntryBytes;
        EntrySizeLimit.validate(maxEntryBytes, segmentCapacity, maxPendingBytes);
    }

    /** A builder with every setting at its default (see the table above). */
    public static Builder builder() {
        return new Builder();
    }

    /** The configured member id, or {@code null} to keep the stored one or choose one. */
    public @Nullable String id() {
        return id;
    }

    /** The {@code host:port} this member listens on for its peers (port 0: any free port). */
    public String listen() {
        return listen;
    }

    /** The {@code host:port} other members dial to reach this one (by default the listen address). */
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
    public @Nullable Path dataDir() {
        return dataDir;
    }

    /** How often a leader sends heartbeats; also the tick of the Raft clock. */
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    /** How long a follower waits without hearing from a leader before it campaigns (randomized in [1x, 2x)). */
    public Duration electionTimeout() {
        return electionTimeout;
    }

    /** How long appends, read barriers and administrative calls may take, elections included. */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** How long, in log time, a {@link Session} may send nothing before it expires. */
    public Duration sessionTimeout() {
        return sessionTimeout;
    }

    /** How many sessions may be open at once; opening one more evicts the one closest to expiry. */
    public int maxSessions() {
        return maxSessions;
    }

    /**
     * How long {@link Kayak#join} keeps asking its peers to admit this member before it gives up with a
     * {@link JoinException}.
     */
    public Duration joinTimeout() {
        return joinTimeout;
    }

    /** How many appends may await their outcome on this member before new ones are refused as overloaded. */
    public int maxPendingAppends() {
        return maxPendingAppends;
    }

    /** How many payload bytes may await their outcome on this member before new appends are refused. */
    public long maxPendingBytes() {
        return maxPendingBytes;
    }

    /**
     * The largest payload {@link Log#append} accepts, in bytes; a larger one fails with
     * {@link EntryTooLargeException} before anything is queued. A leader applies its own limit to the appends
     * followers forward to it.
     */
    public int maxEntryBytes() {
        return maxEntryBytes;
    }


    /** Where the host's metrics go, or {@code null} for none. */
    public @Nullable MeterRegistry meterRegistry() {
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
    public @Nullable String replaces() {
        return replaces;
    }

    /**
     * This member's TLS material for member-to-member traffic, or {@code null} for plaintext. With TLS, every
     * connection between members is TLS 1.3 with mutual authentication, and only members holding a certificate
     * of the trusted CA can join, vote, replicate or forward. Rewritten files are picked up for new connections
     * without a restart.
     */
    public @Nullable TlsFiles tls() {
        return tls;
    }

    /**
     * Told the peer address this member listens on ({@code host:port}, the port actually bound when listening on
     * port 0) as soon as its socket is bound: before a joining member has been admitted, so that whatever routes
     * peers to it (a proxy, a service registry) can be set up while the join waits for it. By default nothing.
     */
    public Consumer<String> onListening() {
        return onListening;
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
        private Duration sessionTimeout = Duration.ofSeconds(60);
        private int maxSessions = 10_000;
        private Duration joinTimeout = Duration.ofSeconds(30);
        private int maxPendingAppends = 10_000;
        private long maxPendingBytes = 64L << 20;
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
        private Consumer<String> onListening = address -> { };
        /** 0 until set: the default then depends on the segment capacity and the pending-bytes limit. */
        private int maxEntryBytes;

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

        /**
         * Sets who is told the peer address this member listens on, once it is bound (see
         * {@link HostOptions#onListening()}); called on the thread that starts or joins the host, and must not block
         * for long.
         */
        public Builder onListening(Consumer<String> listener) {
            this.onListening = Objects.requireNonNull(listener, "listener");
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

        /** Sets the capacity of one log segment file, in bytes (at least 4096). */
        public Builder segmentCapacity(int bytes) {
            if (bytes < 4096) {
                throw new IllegalArgumentException("a segment needs at least 4096 bytes, not " + bytes);
            }
            this.segmentCapacity = bytes;
            return this;
        }

        /** Sets this member's id ({@code null}: keep the stored one, or choose one at first start). */
        public Builder id(@Nullable String id) {
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
        public Builder advertise(@Nullable String hostPort) {
            this.advertise = hostPort;
            return this;
        }

        /** Sets the data directory ({@code null}: keep everything in memory, lost on close). */
        public Builder dataDir(@Nullable Path dir) {
            this.dataDir = dir;
            return this;
        }

        /** Sets the heartbeat interval, the tick of the Raft clock. */
        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = interval;
            return this;
        }

        /** Sets the election timeout; it must be at least two heartbeat intervals. */
        public Builder electionTimeout(Duration timeout) {
            this.electionTimeout = timeout;
            return this;
        }

        /** Sets how long appends, read barriers and administrative calls may take. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        /**
         * Sets how long, in log time, a {@link Session} may send nothing before it expires (default 60 s); it must
         * exceed the request timeout ({@link #build()} checks).
         */
        public Builder sessionTimeout(Duration timeout) {
            this.sessionTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** Sets how many sessions may be open at once (default 10,000); at least 1 ({@link #build()} checks). */
        public Builder maxSessions(int sessions) {
            this.maxSessions = sessions;
            return this;
        }

        /**
         * Bounds how long {@link Kayak#join} asks its peers, round after round, to admit this member (default 30 s).
         *
         * @throws IllegalArgumentException if {@code timeout} is zero or negative
         */
        public Builder joinTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "joinTimeout");
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("joinTimeout must be positive, not " + timeout);
            }
            this.joinTimeout = timeout;
            return this;
        }

        /** Sets how many appends may await their outcome on this member. */
        public Builder maxPendingAppends(int count) {
            this.maxPendingAppends = count;
            return this;
        }

        /** Sets how many payload bytes may await their outcome on this member; at least {@link #maxEntryBytes}. */
        public Builder maxPendingBytes(long bytes) {
            this.maxPendingBytes = bytes;
            return this;
        }

        /**
         * Sets the largest payload an append may carry (default {@link #DEFAULT_MAX_ENTRY_BYTES}). Every entry must
         * fit one transport frame with room for its framing (so at most 16 MiB less 64 KiB), one log segment
         * ({@link #segmentCapacity} less 90 bytes of headers and envelope) and {@link #maxPendingBytes}; {@link #build()} refuses
         * a value that does not. Give every member the same limit: a leader refuses forwarded appends above its own.
         */
        public Builder maxEntryBytes(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxEntryBytes must be at least 1, not " + bytes);
            }
            this.maxEntryBytes = bytes;
            return this;
        }


        /** Publishes the host's metrics (see the {@code kayak.*} meters) to {@code registry}. */
        public Builder meterRegistry(@Nullable MeterRegistry registry) {
            this.meterRegistry = registry;
            return this;
        }

        /** Sets the cluster's name, which every member of one cluster shares. */
        public Builder cluster(String name) {
            this.cluster = name;
            return this;
        }

        /** Sets how far behind the commit index a learner may be and still count as caught up. */
        public Builder promotionLag(long entries) {
            this.promotionLag = entries;
            return this;
        }

        /** Sets how long a learner must stay caught up before the leader promotes it to voter. */
        public Builder promotionDelay(Duration delay) {
            this.promotionDelay = delay;
            return this;
        }

        /** For {@link Kayak#join}: names the member this one replaces in one joint configuration change. */
        public Builder replaces(@Nullable String memberId) {
            this.replaces = memberId;
            return this;
        }

        /** Mutual TLS between members with these PEM files ({@code null}, the default, for plaintext). */
        public Builder tls(@Nullable TlsFiles files) {
            this.tls = files;
            return this;
        }

        /**
         * The options.
         *
         * @throws IllegalArgumentException when settings contradict each other (each message names them)
         */
        public HostOptions build() {
            return new HostOptions(this);
        }
    }
}
