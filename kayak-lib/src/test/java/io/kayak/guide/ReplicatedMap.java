package io.kayak.guide;

import io.kayak.Host;
import io.kayak.Listener;
import io.kayak.Entry;
import io.kayak.EntryKind;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** A string map replicated by Kayak: every member applies the same log, so every member holds the same map. */
public final class ReplicatedMap implements AutoCloseable {
    private final Host host;
    private final Map<String, String> state = new ConcurrentHashMap<>();
    private final Listener listener;
    private final Thread applier;

    public ReplicatedMap(Host host) {
        this.host = host;
        // Apply the whole log from index 1; to start from a snapshot, see "Snapshots and compaction".
        this.listener = host.log().listen(1, 1024);
        this.applier = new Thread(this::applyForever, "map-applier-" + host.id());
        this.applier.start();
    }

    /** Writes through the log; completes once the write is committed (from any member). */
    public CompletableFuture<Void> put(String key, String value) {
        byte[] command = (key + "=" + value).getBytes(StandardCharsets.UTF_8);
        return host.log().append(command).thenApply(entry -> null);
    }

    /** A linearizable read: sees every put that completed before it was called, on any member. */
    public CompletableFuture<String> get(String key) {
        return host.sync().read(() -> state.get(key));
    }

    /** A fast local read, possibly stale. */
    public String getLocal(String key) {
        return state.get(key);
    }

    private void applyForever() {
        try {
            while (true) {
                Entry e = listener.next();
                if (e.kind() == EntryKind.NORMAL) {
                    String command = new String(e.payload(), StandardCharsets.UTF_8);
                    int eq = command.indexOf('=');
                    state.put(command.substring(0, eq), command.substring(eq + 1));
                }
                // Tell Kayak what the map reflects: Sync waits on this for linearizable reads.
                host.sync().ack(e.index());
            }
        } catch (InterruptedException | RuntimeException stopped) {
            // the listener or the host was closed
        }
    }

    @Override
    public void close() throws InterruptedException {
        listener.close();
        applier.join();
    }
}
