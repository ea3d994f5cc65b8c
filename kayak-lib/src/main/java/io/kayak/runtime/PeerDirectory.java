package io.kayak.runtime;

import io.kayak.core.Configuration;
import io.kayak.core.Message;
import io.kayak.transport.Rpc;
import io.kayak.transport.SnapshotFrame;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The raft loop's view of its peers: where each member listens (the address book), when each was last heard from,
 * and when each removed member was last told so; and the sending of messages to members by id.
 *
 * <p>Everything but {@link #send(Message)} runs on the raft thread. The address book is concurrent because the log
 * writer thread sends acknowledgements the moment they are durable, without a hop through the raft thread.
 */
final class PeerDirectory {
    /** A removed member that keeps talking is told at most this often. */
    private static final long REMOVAL_NOTICE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String selfAddress;
    private final PeerNetwork network;
    /** A peer silent for longer than this is not answering (heartbeats come every tick). */
    private final long reachableNanos;
    private final Map<String, String> addressBook = new ConcurrentHashMap<>();
    /** When each peer was last heard from (monotonic nanoseconds), for reachability and status. */
    private final Map<String, Long> lastHeard = new HashMap<>();
    /** When each removed member was last told so (monotonic nanoseconds). */
    private final Map<String, Long> removalNotices = new HashMap<>();

    PeerDirectory(String selfAddress, PeerNetwork network, long reachableNanos) {
        this.selfAddress = selfAddress;
        this.network = network;
        this.reachableNanos = reachableNanos;
    }

    /** This member's own address, where peers send their answers. */
    String selfAddress() {
        return selfAddress;
    }

    /** Records where the members of {@code config} listen (before or as their configuration arrives). */
    void learn(Configuration config) {
        addressBook.putAll(config.addresses());
    }

    /** Where {@code member} listens; null when unknown (or {@code member} is null). */
    String addressOf(String member) {
        return member == null ? null : addressBook.get(member);
    }

    /** Something arrived from {@code member} just now. */
    void heardFrom(String member) {
        lastHeard.put(member, System.nanoTime());
    }

    /**
     * Counts every one of {@code members} as heard from just now. A new leader has not heard from most followers yet
     * (they do not talk to each other): each gets the benefit of the doubt for one election timeout, as check-quorum
     * gives it.
     */
    void trustAll(Collection<String> members) {
        long now = System.nanoTime();
        for (String member : members) {
            lastHeard.put(member, now);
        }
    }

    /** Whether {@code member} was heard from within an election timeout. */
    boolean heardRecently(String member) {
        Long at = lastHeard.get(member);
        return at != null && System.nanoTime() - at < reachableNanos;
    }

    /** How long ago each peer was last heard from, in nanoseconds; peers never heard from are absent. */
    Map<String, Long> silence() {
        long now = System.nanoTime();
        Map<String, Long> out = new TreeMap<>();
        lastHeard.forEach((member, at) -> out.put(member, now - at));
        return out;
    }

    /** Sends {@code m} to the member it names, if its address is known; thread-safe (the log writer calls it). */
    void send(Message m) {
        String address = addressBook.get(m.to());
        if (address != null) {
            network.send(address, m);
        }
    }

    /** Sends a snapshot frame to the member it names, if its address is known. */
    void send(SnapshotFrame frame) {
        String address = addressBook.get(frame.to());
        if (address != null) {
            network.send(address, frame);
        }
    }

    /** Sends a request or an answer to a peer's address. */
    void send(String address, Rpc rpc) {
        network.send(address, rpc);
    }

    /**
     * Tells {@code member}, which a committed configuration no longer lists, that it was removed: a follower that
     * others removed is never sent the configuration without it, and would otherwise go on campaigning unaware. At
     * most once a second per member.
     */
    void tellRemoved(String member, long requestId) {
        String address = addressBook.get(member);
        long now = System.nanoTime();
        Long last = removalNotices.get(member);
        if (address == null || (last != null && now - last < REMOVAL_NOTICE_EVERY_NANOS)) {
            return;
        }
        removalNotices.put(member, now);
        network.send(address, new Rpc.Request(requestId, selfAddress, Rpc.Kind.REMOVED, member, "", null));
    }
}
