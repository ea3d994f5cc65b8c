package io.kayak.example.embedded;

import io.kayak.Host;
import io.kayak.HostStatus;
import io.kayak.KayakException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The example's commands, one line each: {@code put KEY VALUE}, {@code get KEY} (linearizable), {@code local KEY}
 * (this member's possibly stale view), {@code status}, {@code leave}. Kept apart from {@link Main} so that a test
 * can drive them without a terminal.
 */
public final class Shell {
    /** Longer than Kayak's own request timeout (5 s by default), which fails a request first and says why. */
    private static final long WAIT_SECONDS = 30;

    private final Host host;
    private final KeyValueStore store;

    /** Commands on {@code store}, which runs on {@code host}. */
    public Shell(Host host, KeyValueStore store) {
        this.host = host;
        this.store = store;
    }

    /** Runs one command line and returns what to print. */
    public String execute(String line) throws InterruptedException {
        String[] words = line.strip().split("\\s+", 3);
        try {
            switch (words[0]) {
                case "put":
                    requireWords(words, 3, "put KEY VALUE");
                    await(store.put(words[1], words[2]));
                    return "ok";
                case "get":
                    requireWords(words, 2, "get KEY");
                    return String.valueOf(await(store.get(words[1])));
                case "local":
                    requireWords(words, 2, "local KEY");
                    return String.valueOf(store.getLocal(words[1]));
                case "status":
                    HostStatus s = host.status();
                    return s.id() + " at " + s.address() + ": " + s.role() + " in term " + s.term() + ", leader "
                            + s.leaderId() + ", committed " + s.commitIndex() + ", snapshot " + s.snapshotIndex();
                case "leave":
                    await(host.leave());
                    return "left the cluster";
                default:
                    return "commands: put KEY VALUE | get KEY | local KEY | status | leave | quit";
            }
        } catch (KayakException | IllegalArgumentException e) {
            return "error: " + e.getMessage();
        }
    }

    private static void requireWords(String[] words, int count, String usage) {
        if (words.length < count) {
            throw new IllegalArgumentException("usage: " + usage);
        }
    }

    /** The future's value, or its failure rethrown as it is (Kayak's failures are unchecked and say what happened). */
    private static <T> T await(CompletableFuture<T> future) throws InterruptedException {
        try {
            return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer within " + WAIT_SECONDS + " s", e);
        }
    }
}
