package io.kayak.runtime;

import io.kayak.HostOptions;

import java.time.Duration;

/**
 * What a {@link HostSession} needs to pace itself: the host's timer, its view of the leader, and the durations the
 * options give (an append's deadline, the keep-alive period, how long one attempt may stay unanswered).
 */
final class SessionTimers {
    final Deadlines deadlines;
    final HostState state;
    final Duration requestTimeout;
    final long keepAliveNanos;
    /** Between attempts after a refusal: one heartbeat, so a cluster in an election is not asked in a tight loop. */
    final long settleNanos;
    /**
     * How long one attempt may go unanswered before it is sent again: two election timeouts, long enough for a
     * commit through a new leader, short enough that a request lost with a crashed leader is retried in time.
     */
    final Duration attemptTimeout;

    SessionTimers(Deadlines deadlines, HostState state, HostOptions options) {
        this.deadlines = deadlines;
        this.state = state;
        this.requestTimeout = options.requestTimeout();
        this.keepAliveNanos = options.sessionTimeout().toNanos() / 4;
        this.settleNanos = options.heartbeatInterval().toNanos();
        this.attemptTimeout = options.electionTimeout().multipliedBy(2);
    }
}
