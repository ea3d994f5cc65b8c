package io.kayak;

import java.util.concurrent.CompletableFuture;

/**
 * A client session on the log ({@link Log#openSession()}): appends through it take effect <em>exactly once</em>,
 * however often the session has to send them again.
 *
 * <p>Each append gets the session's next sequence number. Until the append's deadline
 * ({@link HostOptions#requestTimeout()}) the session sends it again, with the same number, after every failure that
 * leaves its outcome open: a timeout, a lost connection, a leader that lost leadership, an election, an overloaded
 * member. Every member applies the committed log to the same replicated session table, which remembers the index
 * of each (session, sequence) that committed; a later copy of it is recognised there and never reaches listeners
 * as an application entry (it reaches them as {@link EntryKind#SESSION}, so indices stay contiguous).
 *
 * <p>What is guaranteed:
 * <ul>
 *   <li>Listeners see each append of a session at most once, as {@link EntryKind#NORMAL}, at the index where its
 *   first copy committed.</li>
 *   <li>The future completes with that entry (its index and term), whichever attempt found out: an append that
 *   committed on an earlier attempt completes with the earlier index.</li>
 *   <li>It fails with {@link SessionExpiredException} when the session is gone (expired, closed, or evicted to make
 *   room for newer sessions): the append did not and will never take effect.</li>
 *   <li>It fails with {@link OutcomeUnknownException} only when the deadline passes without any attempt being seen
 *   to commit (the cluster committed nothing of it in time, e.g. no quorum): the append may still take effect,
 *   <em>once at most</em>.</li>
 *   <li>It fails with {@link EntryTooLargeException}, {@link ClosedException} or {@link MemberRemovedException}
 *   as {@link Log#append} does, and with {@link OverloadedException} when this session has
 *   {@link #MAX_IN_FLIGHT} appends in flight.</li>
 * </ul>
 * Appends of one session may commit in any order (send the next before the previous completes when order does not
 * matter; wait for each when it does).
 *
 * <p>A session lives in the replicated log, not in this object: while it is open the host keeps it alive with
 * an entry every quarter of {@link HostOptions#sessionTimeout()} in which it appended nothing. Time is the log's:
 * leaders stamp session entries with their clock, and a session expires once the log has moved on by
 * {@code sessionTimeout} past its last entry; an outage in which nothing commits expires nobody. Thread-safe.
 */
public interface Session extends AutoCloseable {
    /** The most appends one session may have in flight; more fail at once with {@link OverloadedException}. */
    int MAX_IN_FLIGHT = 4_096;

    /** The session's id: the log index of the entry that opened it, unique in the cluster's history. */
    long id();

    /**
     * Appends {@code payload} exactly once (see above). The payload is copied.
     *
     * @throws NullPointerException when {@code payload} is null
     */
    CompletableFuture<Entry> append(byte[] payload);

    /**
     * Closes the session: no new appends; once the ones in flight have their outcome, the session's end is
     * appended to the log (best effort: a session whose end never commits expires). Safe to call more than once.
     */
    @Override
    void close();
}
