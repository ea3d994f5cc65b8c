/**
 * Kayak's public API: one replicated, durable, ordered log, embedded in the application. Every member of a cluster
 * holds the same log; the application turns it into state (a map, a queue, a ledger) by applying the entries in
 * order on every member. This package is the whole API: {@code io.kayak.core}, {@code .runtime}, {@code .storage}
 * and {@code .transport} are internal. {@code docs/guide.md} builds a complete replicated map on this loop, and
 * {@code examples/embedded} is an application that uses nothing else.
 *
 * <h2>Start or join</h2>
 *
 * {@link io.kayak.Kayak#start} seeds a new cluster of one member, which leads it at once; every other member
 * {@link io.kayak.Kayak#join joins} through the address of any member. Each member has its own data directory, and
 * starting again on it resumes the same member (same id, log and place in the cluster), so {@code start} is also how
 * a member restarts.
 * <pre>{@code
 * Host a = Kayak.start(HostOptions.builder().id("a").listen("127.0.0.1:0").dataDir(dirA).build());
 * Host b = Kayak.join(HostOptions.builder().id("b").listen("127.0.0.1:0").dataDir(dirB).build(),
 *         List.of(a.address()));   // port 0 binds a free port; address() tells it
 * }</pre>
 *
 * <h2>Append</h2>
 *
 * {@link io.kayak.Log#append} works on any member (a follower forwards to the leader) and completes with the
 * committed {@link io.kayak.Entry} once it is committed. It completing does <em>not</em> mean the application's own
 * state has applied the entry yet: for that, wait with {@link io.kayak.Sync#sync}{@code (entry.index())}.
 * <pre>{@code
 * host.log().append(command)
 *         .thenCompose(entry -> host.sync().sync(entry.index()))   // now local state reflects the write
 *         .thenRun(() -> reply(localState.get(key)));
 * }</pre>
 * While an election runs, appends (and barriers, and the admin calls of {@link io.kayak.Host}) wait for the next
 * leader, up to {@link io.kayak.HostOptions#requestTimeout()}.
 *
 * <h2>Listen, apply, acknowledge</h2>
 *
 * A state machine reads committed entries with {@link io.kayak.Log#listen}: in log order, each index exactly once,
 * on its own thread. It applies the {@link io.kayak.EntryKind#NORMAL} entries (Kayak's own {@code NOOP} and
 * {@code CONFIG} entries have empty payloads) and reports every index it has applied with
 * {@link io.kayak.Sync#ack}, under the same lock its snapshots take:
 * <pre>{@code
 * try (Listener listener = host.log().listen(rebuildFromSnapshot() + 1, 1024)) {
 *     while (true) {
 *         Entry e = listener.next();
 *         synchronized (lock) {
 *             if (e.kind() == EntryKind.NORMAL) {
 *                 apply(e.payload());
 *             }
 *             applied = e.index();
 *             host.sync().ack(e.index());
 *         }
 *     }
 * } catch (OutOfBoundsException compacted) {
 *     // the entries it needed were compacted away: rebuild from host.log().snapshot() and listen again after it
 * }
 * }</pre>
 *
 * <h2>Read</h2>
 *
 * Local state is fast to read but may lag the leader. A linearizable read, which sees every write completed before
 * it began, takes a {@link io.kayak.Sync#barrier()} (the leader confirms with a quorum that it still leads and
 * returns its commit index), waits with {@link io.kayak.Sync#sync} until the application has acknowledged that
 * index, then reads local state; {@link io.kayak.Sync#read} does all three:
 * <pre>{@code
 * CompletableFuture<String> value = host.sync().read(() -> localState.get(key));
 * }</pre>
 *
 * <h2>Snapshot and compact</h2>
 *
 * To bound the log, the application registers a {@link io.kayak.SnapshotProvider} with
 * {@link io.kayak.Log#snapshotProvider}: once the log has grown past the thresholds of
 * {@link io.kayak.HostOptions}, the host asks it for a {@link io.kayak.CapturedState} (the state as of an index the
 * application has already acknowledged, as a stream of events), writes it as a snapshot and drops the log prefix it
 * covers. {@link io.kayak.Log#compact} does the same on demand. A state machine rebuilds from
 * {@link io.kayak.Log#snapshot()} when it starts, and again whenever its listener meets an
 * {@link io.kayak.OutOfBoundsException}, then listens from the snapshot's {@code lastIndex() + 1}.
 *
 * <h2>Close or leave</h2>
 *
 * {@link io.kayak.Host#close()} stops the member and keeps its place in the cluster: starting it again on its data
 * directory resumes it. {@link io.kayak.Host#leave()} removes it from the cluster for good; its data directory then
 * refuses to start. {@link io.kayak.Host#status()} tells what a member is doing, closed or not.
 *
 * <h2>What the exceptions mean</h2>
 *
 * Every failure is a {@link io.kayak.KayakException}:
 * <ul>
 *   <li>{@link io.kayak.OverloadedException}: too many appends pending on this member; nothing appended, back off
 *   and retry;</li>
 *   <li>{@link io.kayak.NotLeaderException}: no leader took the request in time; nothing appended, retry;</li>
 *   <li>{@link io.kayak.RequestTimeoutException}: a barrier, read or membership change did not finish in time;
 *   a read is safe to retry, a membership change may still complete;</li>
 *   <li>{@link io.kayak.OutcomeUnknownException}: an append reached a leader but its fate is unknown; it may still
 *   commit, so retry only an idempotent command;</li>
 *   <li>{@link io.kayak.ClosedException}: the host or listener is closed (an append pending then may still
 *   commit);</li>
 *   <li>{@link io.kayak.MemberRemovedException}: the member was removed from its cluster; nothing it is asked
 *   succeeds again, and its data directory will not start;</li>
 *   <li>{@link io.kayak.OutOfBoundsException}: a listener's entries were compacted away; rebuild from the
 *   snapshot;</li>
 *   <li>{@link io.kayak.StorageException} and its subclasses: the data directory is locked by another host
 *   ({@link io.kayak.StorageLockedException}), damaged ({@link io.kayak.StorageCorruptedException}), written by a
 *   newer version ({@link io.kayak.UnsupportedFormatException}), or the disk failed
 *   ({@link io.kayak.StorageFailedException}, after which the host stops).</li>
 * </ul>
 *
 * <h2>Threads</h2>
 *
 * {@link io.kayak.Host}, {@link io.kayak.Log} and {@link io.kayak.Sync} are thread-safe; a
 * {@link io.kayak.Listener} and an open {@link io.kayak.Snapshot} belong to one thread. The futures of appends and
 * barriers complete on a thread of the host's own (see {@link io.kayak.Completion}); a future of
 * {@link io.kayak.Sync#sync} completes on the thread that calls {@link io.kayak.Sync#ack}.
 */
@NullMarked
package io.kayak;

import org.jspecify.annotations.NullMarked;
