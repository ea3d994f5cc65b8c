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
     * holds a member, the stored membership wins and {@code peers} is ignored (but must still name an address).
     *
     * <p>An address that cannot be reached (connection refused, TLS handshake refused) is passed over at once for
     * the next; rounds over all of them are repeated, with a growing pause, until
     * {@link HostOptions#joinTimeout()}, so a cluster that is still starting is waited for.
     *
     * @param peers {@code host:port} addresses of members of the cluster; at least one
     * @throws NullPointerException     if {@code peers} is null
     * @throws IllegalArgumentException if {@code peers} is empty or holds a null or blank address; nothing has
     *                                  started then
     * @throws JoinException            if a member refused to admit this one, or none admitted it within
     *                                  {@link HostOptions#joinTimeout()}; the message gives, per address, the
     *                                  last reason. The host is stopped.
     * @throws KayakException           when the data directory cannot be used (as for {@link #start})
     */
    public static Host join(HostOptions options, List<String> peers) {
        Objects.requireNonNull(options, "options");
        return Hosts.join(options, peers, () -> Hosts.tcp(options));
    }
}
