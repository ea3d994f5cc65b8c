package io.kayak;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Every public call of {@link Host}, {@link Log} and {@link Sync} on an open, a closed and a removed host, and with
 * wrong arguments: what it throws or completes with is the documented type, never an internal one.
 */
class ApiErrorsTest {
    @TempDir
    Path dir;
    private InProcessCluster cluster;

    @BeforeEach
    void create() {
        cluster = new InProcessCluster(dir, b -> b.requestTimeout(Duration.ofSeconds(3)));
    }

    @AfterEach
    void closeAll() {
        cluster.close();
    }

    private HostOptions options(String id) {
        return cluster.options(id);
    }

    private Host seed() {
        Host a = cluster.start("a");
        await().atMost(Duration.ofSeconds(5)).until(() -> a.status().role() == Role.LEADER);
        return a;
    }

    /** Every call that a closed or removed member must refuse, by name. */
    private static Map<String, Supplier<Object>> requests(Host h) {
        Map<String, Supplier<Object>> calls = new LinkedHashMap<>();
        calls.put("append", () -> h.log().append(new byte[] {1}));
        calls.put("listen", () -> h.log().listen(1, 16));
        calls.put("compact", () -> {
            h.log().compact(1, Collections.emptyIterator(), 0);
            return null;
        });
        calls.put("snapshot", () -> h.log().snapshot());
        calls.put("snapshotProvider", () -> {
            h.log().snapshotProvider(() -> null);
            return null;
        });
        calls.put("barrier", () -> h.sync().barrier());
        calls.put("sync", () -> h.sync().sync(Long.MAX_VALUE));
        calls.put("read", () -> h.sync().read(() -> "x"));
        calls.put("remove", () -> h.remove("nobody"));
        calls.put("removeForce", () -> h.remove("nobody", true));
        calls.put("transferLeadership", () -> h.transferLeadership("nobody"));
        calls.put("leave", () -> h.leave());
        return calls;
    }

    /** The exception a call threw, or its future failed with; null when it succeeded. */
    private static Throwable failure(Supplier<Object> call) throws InterruptedException {
        try {
            Object result = call.get();
            if (result instanceof CompletableFuture<?> f) {
                f.get(10, TimeUnit.SECONDS);
            }
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (RuntimeException e) {
            return e;
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("a refused call must not hang", e);
        }
    }

    @Test
    void aClosedHostRefusesEveryRequestWithClosedException() throws Exception {
        Host a = seed();
        a.close();
        for (Map.Entry<String, Supplier<Object>> call : requests(a).entrySet()) {
            assertThat(failure(call.getValue())).as(call.getKey()).isInstanceOf(ClosedException.class);
        }
        // Reads of state keep answering.
        assertThat(a.status().role()).isEqualTo(Role.STOPPED);
        assertThat(a.id()).isEqualTo("a");
        assertThat(a.roster()).extracting(Member::id).containsExactly("a");
        assertThat(a.leader()).isEmpty();
        assertThat(a.log().head()).isPositive();
        assertThat(a.log().committed()).isPositive();
        assertThat(a.log().compacted()).isZero();
        assertThat(a.log().snapshotIndex()).isZero();
        assertThat(a.sync().acked()).isZero();
        assertThat(a.stopped()).isCompleted();
        a.close();
    }

    @Test
    void aRemovedHostRefusesEveryRequestWithMemberRemovedException() throws Exception {
        Host a = seed();
        Host b = cluster.join("b", "a");
        await().atMost(Duration.ofSeconds(20)).until(() -> TcpCluster.voters(a).size() == 2);
        if (TcpCluster.leads(b)) {
            b.transferLeadership("a").get(10, TimeUnit.SECONDS);
        }
        a.remove("b").get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> b.status().role() == Role.REMOVED);
        for (Map.Entry<String, Supplier<Object>> call : requests(b).entrySet()) {
            assertThat(failure(call.getValue())).as(call.getKey()).isInstanceOf(MemberRemovedException.class);
        }
    }

    @Test
    void wrongArgumentsAreNamedAtOnce() {
        Host a = seed();
        assertThatThrownBy(() -> a.log().append(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("payload");
        assertThatThrownBy(() -> a.remove(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("memberId");
        assertThatThrownBy(() -> a.remove(null, true)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> a.transferLeadership(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("memberId");
        assertThatThrownBy(() -> a.log().listen(0, 16)).isInstanceOf(OutOfBoundsException.class);
        assertThatThrownBy(() -> a.log().listen(1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("buffer");
        assertThatThrownBy(() -> a.log().compact(1, null, 0)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("events");
        assertThatThrownBy(() -> a.sync().read(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("read");
        assertThatThrownBy(() -> Kayak.start(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("options");
        assertThatThrownBy(() -> Kayak.join(options("z"), null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("peers");
        assertThatThrownBy(() -> Kayak.join(options("z"), List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("peers");
        assertThatThrownBy(() -> a.log().compact(a.log().committed() + 100, Collections.emptyIterator(), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void requestsThatCannotSucceedAreTypedAndTheHostGoesOn() throws Exception {
        Host a = seed();
        assertThat(failure(() -> a.remove("a"))).isInstanceOf(KayakException.class);
        assertThat(failure(() -> a.transferLeadership("nobody"))).isInstanceOf(KayakException.class);
        assertThat(a.log().append(new byte[] {1}).get(10, TimeUnit.SECONDS).index()).isPositive();
    }

    @Test
    void storageErrorsAreKayakExceptions() {
        Host a = seed();
        // A second host on the same data directory, as a mistaken second process would do.
        assertThatThrownBy(() -> cluster.network.start(options("a"))).isInstanceOf(StorageLockedException.class)
                .isInstanceOf(StorageException.class).isInstanceOf(KayakException.class);
        assertThat(a.status().role()).isEqualTo(Role.LEADER);
    }
}
