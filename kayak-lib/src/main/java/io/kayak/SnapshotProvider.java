package io.kayak;

import org.jspecify.annotations.Nullable;

/**
 * The application's side of automatic compaction: when the log has grown past the thresholds of
 * {@link HostOptions} ({@code compactAfterEntries}, {@code compactAfterBytes}), the host asks the registered
 * provider ({@link Log#snapshotProvider}) for its state, writes it as a snapshot and compacts the log.
 *
 * <p>{@link #capture()} runs on the host's compaction thread, never on the raft thread, one call at a time. It should
 * take a consistent view quickly (a copy, or a copy-on-write view) and return; the events are then streamed to disk
 * from that view on the same thread, and the view is {@linkplain CapturedState#close() closed} afterwards, whether
 * the snapshot succeeded or not.
 *
 * <p>The captured state must cover exactly the entries up to {@link CapturedState#until()}, and the application must
 * already have acknowledged that index with {@link Sync#ack}: a snapshot of state the application has not applied
 * would lose entries. A capture that breaks this rule, or that throws, is logged, counted in
 * {@code kayak.compaction.failures}, and tried again later; it never stops the host.
 */
@FunctionalInterface
public interface SnapshotProvider {
    /**
     * Captures the application's state.
     *
     * @return the captured state, or {@code null} to skip this round (for instance while the application is still
     *         rebuilding); the host asks again later
     * @throws Exception any failure: logged and retried later with back-off
     */
    @Nullable CapturedState capture() throws Exception;
}
