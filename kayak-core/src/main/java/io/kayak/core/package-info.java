/**
 * Kayak's Raft core: the consensus rules of one member as a plain, deterministic state machine, with no I/O, no
 * threads and no clock. The caller (the <em>driver</em>) owns all of those: it feeds the core inputs, and the core
 * answers with a {@link io.kayak.core.Ready} that lists what to write, send and apply. The library's runtime
 * ({@code io.kayak.runtime}) is one driver; the simulator in this module's tests is another. Applications use the
 * public API of package {@code io.kayak} instead; this package is for those who drive Raft themselves.
 *
 * <h2>Starting a node</h2>
 *
 * A {@link io.kayak.core.RaftNode} starts from what its storage holds: a {@link io.kayak.core.LogStorage} it reads
 * synchronously (the driver's log, whose write side is {@link io.kayak.core.LogStore}; {@link
 * io.kayak.core.MemoryLogStore} is an in-memory one) and the last saved {@link io.kayak.core.HardState}. A new
 * cluster is seeded by writing {@link io.kayak.core.RaftNode#bootstrapEntry} (a configuration with the first
 * member as sole voter) and {@link io.kayak.core.RaftNode#bootstrapHardState()} to the first member's storage; a
 * member whose log is empty waits for a leader to contact it (a joining member). Time is counted in ticks, whose
 * length the driver chooses ({@link io.kayak.core.RaftOptions}).
 * <pre>{@code
 * MemoryLogStore store = new MemoryLogStore();
 * store.append(List.of(RaftNode.bootstrapEntry(Configuration.ofVoters(Map.of("a", "10.0.0.1:7000")))));
 * store.saveHardState(RaftNode.bootstrapHardState());
 * store.sync();
 * RaftNode node = new RaftNode(RaftOptions.builder("a").build(), store, store.hardState());
 * }</pre>
 *
 * <h2>Inputs</h2>
 *
 * One thread owns a node and gives it, in any order:
 * <ul>
 *   <li>{@link io.kayak.core.RaftNode#tick()} at a fixed interval: elections, heartbeats and the quorum check run
 *   on ticks;</li>
 *   <li>{@link io.kayak.core.RaftNode#step(Message)} for every {@link io.kayak.core.Message} another member sent
 *   it;</li>
 *   <li>{@link io.kayak.core.RaftNode#propose(byte[])} (on the leader; elsewhere it throws
 *   {@link io.kayak.core.NotLeaderException}) to append application payloads, returning the first index;</li>
 *   <li>{@link io.kayak.core.RaftNode#readIndex(long)} to start a linearizable read, answered by a later Ready;</li>
 *   <li>{@link io.kayak.core.RaftNode#proposeConfiguration}, {@link io.kayak.core.RaftNode#transferLeadership} and
 *   {@link io.kayak.core.RaftNode#campaign()} for membership and leadership;</li>
 *   <li>{@link io.kayak.core.RaftNode#persisted(long, long)} once entries it handed out are durable, and
 *   {@link io.kayak.core.RaftNode#reportSnapshot} for the outcome of a snapshot transfer.</li>
 * </ul>
 *
 * <h2>The Ready loop</h2>
 *
 * After its inputs, the driver asks {@link io.kayak.core.RaftNode#hasReady()} and takes each
 * {@link io.kayak.core.RaftNode#ready()}; the {@link io.kayak.core.Ready} javadoc is the full contract. In short:
 * <pre>{@code
 * while (node.hasReady()) {
 *     Ready rd = node.ready();
 *     send(rd.messages());                          // at once: they promise nothing that is not durable yet
 *     if (rd.snapshot() != null) {                  // a leader's snapshot replaces the log
 *         SnapshotMetadata s = rd.snapshot();
 *         store.installSnapshot(s.index(), s.term(), s.configuration());
 *         application.restoreFrom(s);
 *     }
 *     rd.snapshotsToSend().forEach(request -> streamSnapshot(request));
 *     store.append(rd.entries());                   // may replace a conflicting suffix; see rd.overwrites()
 *     if (rd.hardState() != null) {
 *         store.saveHardState(rd.hardState());
 *     }
 *     store.sync();                                 // durable: only now may the promises go out
 *     send(rd.messagesAfterPersist());              // votes and acknowledgements
 *     if (rd.lastEntry() != null) {
 *         node.persisted(rd.lastEntry().index(), rd.lastEntry().term());
 *     }
 *     application.apply(rd.committed());            // committed and durable here: apply in order
 *     rd.reads().forEach(read -> serveOnceApplied(read.requestId(), read.index()));
 *     rd.failedReads().forEach(requestId -> failRead(requestId));
 * }
 * }</pre>
 * The order matters where the core relies on it: {@link io.kayak.core.Ready#messagesAfterPersist()} leave only
 * once this Ready's writes and those of every earlier one are durable; {@code persisted} reports the last entry
 * written once it is; a Ready that {@link io.kayak.core.Ready#overwrites()} earlier writes waits until those are
 * finished. Committed entries are already durable, so the driver may apply them while it writes the next entries,
 * and one sync may cover the writes of several Readies. A {@link io.kayak.core.ReadState} is served once the
 * application has applied its index; reads among {@link io.kayak.core.Ready#failedReads()} may be retried.
 *
 * <h2>Restarting</h2>
 *
 * A restarted node is built the same way, from the storage's log and hard state, with
 * {@link io.kayak.core.RaftOptions.Builder#applied(long)} set to the index the application's state already reflects
 * (0 for state rebuilt from nothing, or its snapshot's index): the node hands out the committed entries after that
 * index again, and none before it.
 */
package io.kayak.core;
