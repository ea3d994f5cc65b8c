package io.kayak.guide;

import io.kayak.Entry;
import io.kayak.EntryKind;
import io.kayak.Host;
import io.kayak.Listener;
import io.kayak.Session;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The guide's exactly-once example: a replicated counter whose increments go through a {@link Session}, so that an
 * increment the session had to send again (a leader died with it, an answer was lost) still counts once.
 */
public final class ExactlyOnceCounter implements AutoCloseable {
    private final Host host;
    private final Session session;
    private final AtomicLong count = new AtomicLong();
    /** How often each request was applied here: the example's proof that nothing counted twice. */
    private final Map<String, Integer> applied = new ConcurrentHashMap<>();
    private final Thread applier;

    public ExactlyOnceCounter(Host host) {
        this.host = host;
        this.session = host.log().openSession();   // one session per client; it lives in the replicated log
        this.applier = new Thread(this::apply, "counter-" + host.id());
        applier.setDaemon(true);
        applier.start();
    }

    /** Counts one increment, named by {@code requestId}; completes once it is committed, exactly once. */
    public CompletableFuture<Entry> increment(String requestId) {
        return session.append(requestId.getBytes(StandardCharsets.UTF_8));
    }

    private void apply() {
        try (Listener listener = host.log().listen(1, 256)) {
            while (true) {
                Entry e = listener.next();
                if (e.kind() == EntryKind.NORMAL) {   // a retried copy arrives as SESSION, never as NORMAL
                    count.incrementAndGet();
                    applied.merge(new String(e.payload(), StandardCharsets.UTF_8), 1, Integer::sum);
                }
                host.sync().ack(e.index());
            }
        } catch (InterruptedException | io.kayak.ClosedException stopped) {
            // closed
        }
    }

    /** The count as this member has applied it. */
    public long count() {
        return count.get();
    }

    /** How many times each request was applied on this member. */
    public Map<String, Integer> appliedTimes() {
        return Map.copyOf(applied);
    }

    @Override
    public void close() {
        session.close();
        applier.interrupt();
    }
}
