package io.kayak.example.embedded;

import io.kayak.Host;
import io.kayak.HostOptions;
import io.kayak.Kayak;
import io.kayak.Member;
import io.kayak.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three members of the example's store in this JVM, over real TCP on ports the system picks, each with its own data
 * directory: writes from any member, a member closed and restarted on its data directory, and the restarted member
 * catching up and serving linearizable reads.
 */
class EmbeddedClusterTest {
    private static final long WAIT = 30;

    /** Stores and hosts, closed in reverse order (a store before its host). */
    private final Deque<AutoCloseable> open = new ArrayDeque<>();
    @TempDir
    Path dir;

    @AfterEach
    void closeAll() throws Exception {
        while (!open.isEmpty()) {
            open.pop().close();
        }
    }

    private <T extends AutoCloseable> T track(T closeable) {
        open.push(closeable);
        return closeable;
    }

    /**
     * A member listening on {@code address}. Compaction is tuned down so that a few hundred writes produce
     * snapshots (with the defaults it takes 100,000 entries), and the election timeout is longer than the default
     * because these tests share the machine's cores with whole builds: a starved leader would lose its quorum.
     */
    private HostOptions options(String id, String address) {
        return HostOptions.builder().id(id).listen(address).dataDir(dir.resolve(id))
                .segmentCapacity(4096).compactAfterEntries(50).compactTrailingEntries(0)
                .electionTimeout(Duration.ofSeconds(1)).build();
    }

    private static <T> T done(CompletableFuture<T> f) throws Exception {
        return f.get(WAIT, TimeUnit.SECONDS);
    }

    private static long voters(Host h) {
        return h.roster().stream().filter(Member::voter).count();
    }

    @Test
    void aRestartedMemberCatchesUpAndServesLinearizableReads() throws Exception {
        Host a = track(Kayak.start(options("a", "127.0.0.1:0")));
        Host b = track(Kayak.join(options("b", "127.0.0.1:0"), List.of(a.address())));
        Host c = track(Kayak.join(options("c", "127.0.0.1:0"), List.of(a.address())));
        assertThat(List.of(a.address(), b.address(), c.address())).doesNotHaveDuplicates()
                .allMatch(address -> !address.endsWith(":0"));
        await().atMost(Duration.ofSeconds(WAIT)).until(() -> voters(a) == 3);
        KeyValueStore sa = track(new KeyValueStore(a));
        KeyValueStore sb = track(new KeyValueStore(b));
        KeyValueStore sc = new KeyValueStore(c);

        List<KeyValueStore> stores = List.of(sa, sb, sc);
        for (int i = 0; i < 30; i++) {
            done(stores.get(i % 3).put("before-" + i, "v" + i));
        }
        assertThat(done(sc.get("before-0"))).isEqualTo("v0");

        String cAddress = c.address();
        sc.close();
        c.close(); // a crash or an upgrade, as far as a and b can tell; c keeps its place in the cluster
        assertThat(c.status().role()).isEqualTo(Role.STOPPED);

        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            writes.add((i % 2 == 0 ? sa : sb).put("while-down-" + i, "w" + i));
        }
        done(CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)));

        // Back on the address its peers know, from its data directory: `start`, whether it first seeded or joined.
        Host c2 = track(Kayak.start(options("c", cAddress)));
        KeyValueStore sc2 = track(new KeyValueStore(c2));
        assertThat(c2.address()).isEqualTo(cAddress);
        assertThat(done(sc2.get("while-down-199"))).isEqualTo("w199");
        assertThat(sc2.size()).isEqualTo(230);
        for (int i = 0; i < 200; i++) {
            assertThat(sc2.getLocal("while-down-" + i)).isEqualTo("w" + i);
        }
        for (int i = 0; i < 30; i++) {
            assertThat(sc2.getLocal("before-" + i)).isEqualTo("v" + i);
        }

        done(sc2.put("back", "yes"));
        assertThat(done(sa.get("back"))).isEqualTo("yes");
        assertThat(voters(a)).isEqualTo(3);
    }

    @Test
    void theShellPutsAndReadsThroughTheStore() throws Exception {
        Host a = track(Kayak.start(options("a", "127.0.0.1:0")));
        KeyValueStore store = track(new KeyValueStore(a));
        Shell shell = new Shell(a, store);

        assertThat(shell.execute("put greeting hello world")).isEqualTo("ok");
        assertThat(shell.execute("get greeting")).isEqualTo("hello world");
        assertThat(shell.execute("local greeting")).isEqualTo("hello world");
        assertThat(shell.execute("get nothing")).isEqualTo("null");
        assertThat(shell.execute("put a=b c")).startsWith("error: ");
        assertThat(shell.execute("put lonely")).isEqualTo("error: usage: put KEY VALUE");
        assertThat(shell.execute("status")).startsWith("a at " + a.address() + ": LEADER in term ");
        assertThat(shell.execute("leave")).startsWith("error: ").contains("only member");
    }
}
