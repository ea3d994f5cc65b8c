package io.kayak;

import io.kayak.runtime.Hosts;

import java.util.List;
import java.util.Objects;

/**
 * Entry point: {@link #start} seeds a new cluster (or resumes a member from its data directory), {@link #join} adds
 * a new member to an existing cluster through any of its members.
 */
public final class Kayak {
    private Kayak() {
    }

    /**
     * Seeds a new one-member cluster; other hosts then {@link #join} it. On a data directory that already holds a
     * member, resumes that member instead (same id, term, log and membership): it never forms a new cluster.
     *
     * @throws StorageLockedException  when another host (in this process or another) has the data directory open
     * @throws StorageException        when the data directory is corrupt or unreadable; names the file and offset
     * @throws MemberRemovedException  when the member of this data directory was removed from its cluster
     * @throws KayakException          when the data directory belongs to another member than
     *                                 {@link HostOptions#id()} or another cluster, or the listen address cannot be
     *                                 bound
     * @throws NullPointerException    when {@code options} is null
     */
    public static Host start(HostOptions options) {
        Objects.requireNonNull(options, "options");
        return Hosts.start(options, () -> Hosts.tcp(options));
    }

    /**
     * Joins the cluster that the members at {@code peers} belong to, asking each in turn (any member will do: it
     * redirects to the leader). The new member starts as a learner and is promoted to voter by the leader once it
     * has caught up. Returns once the configuration admitting it has reached it. On a data directory that already
     * holds a member, the stored membership wins and {@code peers} is ignored.
     *
     * @throws IllegalArgumentException when {@code peers} is empty or holds null
     * @throws NullPointerException     when {@code options} or {@code peers} is null
     * @throws KayakException           when no member admitted it in time, or as {@link #start} throws
     */
    public static Host join(HostOptions options, List<String> peers) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(peers, "peers");
        return Hosts.join(options, peers, () -> Hosts.tcp(options));
    }
}
