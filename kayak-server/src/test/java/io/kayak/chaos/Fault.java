package io.kayak.chaos;

/** The kinds of fault the {@link Nemesis} injects. */
enum Fault {
    /** SIGKILL a random member, restart it with the same command line later. */
    KILL,
    /** SIGKILL the leader, restart it later. */
    KILL_LEADER,
    /** SIGSTOP a random member, SIGCONT later. */
    PAUSE,
    /** SIGSTOP the leader until a new one is elected, then SIGCONT: the old leader must not serve stale reads. */
    PAUSE_LEADER,
    /** Cut a random minority from the majority. */
    PARTITION_HALVES,
    /** Cut the leader from everyone else. */
    ISOLATE_LEADER,
    /** Two groups that cannot talk to each other, and one member that talks to both. */
    BRIDGE,
    /** Delay every chunk on the peer connections into one member (both directions of those connections). */
    DELAY,
    /** Grow the cluster by a fresh member, or shrink it by removing one (sometimes the leader). */
    MEMBERSHIP
}
