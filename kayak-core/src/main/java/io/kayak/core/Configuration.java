package io.kayak.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A cluster membership configuration: who votes, who only learns, and where each member can be reached.
 *
 * <p>A configuration is either simple (only {@link #voters()}) or joint (Raft §6): while a change is in flight,
 * {@link #outgoing()} holds the old voters and every decision (election, commit) needs a majority of
 * <em>both</em> sets. Learners receive the log but never vote and never count toward a quorum.
 *
 * <p>Member ids are the keys of {@link #addresses()}; the address is opaque to the core (the runtime dials it).
 */
public final class Configuration {
    private final Set<String> voters;
    private final Set<String> outgoing;
    private final Set<String> learners;
    private final Map<String, String> addresses;

    private Configuration(Set<String> voters, Set<String> outgoing, Set<String> learners,
                          Map<String, String> addresses) {
        this.voters = Collections.unmodifiableSet(new TreeSet<>(voters));
        this.outgoing = Collections.unmodifiableSet(new TreeSet<>(outgoing));
        this.learners = Collections.unmodifiableSet(new TreeSet<>(learners));
        this.addresses = Collections.unmodifiableMap(new LinkedHashMap<>(addresses));
        for (String learner : this.learners) {
            if (this.voters.contains(learner) || this.outgoing.contains(learner)) {
                throw new IllegalArgumentException("member " + learner + " is both voter and learner");
            }
        }
        for (String id : members()) {
            if (!this.addresses.containsKey(id)) {
                throw new IllegalArgumentException("member " + id + " has no address");
            }
        }
        if (!this.addresses.keySet().equals(members())) {
            throw new IllegalArgumentException("addresses name members outside the configuration");
        }
    }

    /** A configuration whose voters are exactly the given members. */
    public static Configuration ofVoters(Map<String, String> voterAddresses) {
        return new Configuration(voterAddresses.keySet(), Set.of(), Set.of(), voterAddresses);
    }

    /** The general constructor; {@code outgoing} is empty unless this is a joint configuration. */
    public static Configuration of(Set<String> voters, Set<String> outgoing, Set<String> learners,
                                   Map<String, String> addresses) {
        return new Configuration(voters, outgoing, learners, addresses);
    }

    /** The voters of the configuration being moved to (or the only voters, when not joint). */
    public Set<String> voters() {
        return voters;
    }

    /** The voters of the configuration being left; empty when not joint. */
    public Set<String> outgoing() {
        return outgoing;
    }

    public Set<String> learners() {
        return learners;
    }

    public Map<String, String> addresses() {
        return addresses;
    }

    public boolean isJoint() {
        return !outgoing.isEmpty();
    }

    /** Whether {@code id} votes in this configuration (in either half of a joint configuration). */
    public boolean isVoter(String id) {
        return voters.contains(id) || outgoing.contains(id);
    }

    public boolean isLearner(String id) {
        return learners.contains(id);
    }

    public boolean contains(String id) {
        return addresses.containsKey(id);
    }

    /** Every member: voters of both halves and learners. */
    public Set<String> members() {
        Set<String> all = new TreeSet<>(voters);
        all.addAll(outgoing);
        all.addAll(learners);
        return all;
    }

    /** The configuration that ends a joint phase: the incoming voters, the learners, nothing outgoing. */
    public Configuration leaveJoint() {
        Map<String, String> kept = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : addresses.entrySet()) {
            if (voters.contains(e.getKey()) || learners.contains(e.getKey())) {
                kept.put(e.getKey(), e.getValue());
            }
        }
        return new Configuration(voters, Set.of(), learners, kept);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Configuration)) {
            return false;
        }
        Configuration other = (Configuration) o;
        return voters.equals(other.voters) && outgoing.equals(other.outgoing) && learners.equals(other.learners)
                && addresses.equals(other.addresses);
    }

    @Override
    public int hashCode() {
        return voters.hashCode() * 31 + outgoing.hashCode() * 7 + learners.hashCode() + addresses.hashCode();
    }

    @Override
    public String toString() {
        return "Configuration{voters=" + voters + (isJoint() ? ", outgoing=" + outgoing : "")
                + (learners.isEmpty() ? "" : ", learners=" + learners) + "}";
    }
}
