package io.kayak;

/** What a member is doing, as {@link Host#status()} reports it. */
public enum Role {
    /** Leads the cluster: it appends, replicates and commits. */
    LEADER,
    /** A voter that follows the leader (or waits to hear from one). */
    FOLLOWER,
    /** A voter asking for votes (or pre-votes) in an election. */
    CANDIDATE,
    /** A member that replicates the log but does not vote yet (a newcomer catching up). */
    LEARNER,
    /** Removed from the cluster: it takes no further part (see {@link MemberRemovedException}). */
    REMOVED,
    /** Closed, or stopped by a storage failure: it no longer runs. */
    STOPPED
}
