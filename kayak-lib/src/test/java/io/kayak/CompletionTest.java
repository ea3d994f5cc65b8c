package io.kayak;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Where the futures of appends and read barriers complete ({@link HostOptions#completion()}), and what a callback
 * that runs on a member's event loop may not do. Over the in-process network a member's loop is its own thread,
 * {@code kayak-raft-<id>}.
 */
class CompletionTest {
    private final LocalNetwork network = new LocalNetwork();
    private final List<Host> hosts = new ArrayList<>();

    @AfterEach
    void stopAll() {
        hosts.forEach(Host::close);
    }

    private HostOptions options(String id, Completion completion) {
        String address = "local:" + id;
        return HostOptions.builder().id(id).listen(address)
                .completion(completion).build();
    }

    /** Three members; {@code a}, the first, leads. */
    private List<Host> cluster(Completion completion) {
        Host a = network.start(options("a", completion));
        hosts.add(a);
        await().atMost(Duration.ofSeconds(5)).until(() -> a.leader().isPresent());
        for (String id : List.of("b", "c")) {
            hosts.add(network.join(options(id, completion), List.of("local:a")));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> a.roster().stream().filter(Member::voter).count() == 3);
        return List.copyOf(hosts);
    }

    /**
     * The thread that ran a callback chained to each of 20 fresh futures from {@code request}. A future that completed
     * before the callback was chained runs it on the chaining thread (the test's), which says nothing: such names
     * are left out, and at least one future must have completed first.
     */
    private static List<String> completingThreads(java.util.function.Supplier<CompletableFuture<?>> request)
            throws Exception {
        String me = Thread.currentThread().getName();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String name = request.get().handle((r, error) -> Thread.currentThread().getName()).get(5, TimeUnit.SECONDS);
            if (!name.equals(me)) {
                names.add(name);
            }
        }
        assertThat(names).isNotEmpty();
        return names;
    }

    @Test
    void byDefaultFuturesCompleteOnTheHostsDispatchThread() throws Exception {
        Host a = cluster(HostOptions.builder().build().completion()).get(0);

        assertThat(completingThreads(() -> a.log().append(new byte[] {1}))).containsOnly("kayak-dispatch-a");
        assertThat(completingThreads(() -> a.sync().barrier())).containsOnly("kayak-dispatch-a");
    }

    @Test
    void onTheEventLoopEachMembersFuturesCompleteOnItsOwnLoop() throws Exception {
        for (Host h : cluster(Completion.EVENT_LOOP)) {
            // On the leader, and on followers that forward the append and wait to see it commit.
            String loop = "kayak-raft-" + h.id();
            assertThat(completingThreads(() -> h.log().append(new byte[] {1}))).containsOnly(loop);
            assertThat(completingThreads(() -> h.sync().barrier())).containsOnly(loop);
        }
    }

    @Test
    void onTheEventLoopAppendsCompleteInLogOrderOnEveryMember() throws Exception {
        List<Host> all = cluster(Completion.EVENT_LOOP);
        List<List<Long>> completionOrder = new ArrayList<>();
        List<CompletableFuture<?>> writes = new ArrayList<>();
        for (Host h : all) {
            List<Long> order = Collections.synchronizedList(new ArrayList<>());
            completionOrder.add(order);
            String loop = "kayak-raft-" + h.id();
            for (int i = 0; i < 500; i++) {
                writes.add(h.log().append(new byte[] {(byte) i}).thenAccept(e -> {
                    if (Thread.currentThread().getName().equals(loop)) {
                        order.add(e.index());
                    }
                }));
            }
        }
        CompletableFuture.allOf(writes.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);

        for (List<Long> order : completionOrder) {
            assertThat(order).hasSizeGreaterThan(100).isSorted().doesNotHaveDuplicates();
        }
    }

    @Test
    void aCallbackOnTheLoopMayAppendTheNextEntry() throws Exception {
        Host a = cluster(Completion.EVENT_LOOP).get(0);
        List<String> threads = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Long> chain = CompletableFuture.completedFuture(0L);
        for (int i = 0; i < 100; i++) {
            chain = chain.thenCompose(previous -> a.log().append(new byte[] {2}).thenApply(e -> {
                threads.add(Thread.currentThread().getName());
                assertThat(e.index()).isGreaterThan(previous);
                return e.index();
            }));
        }

        assertThat(chain.get(10, TimeUnit.SECONDS)).isPositive();
        // Each append after the first was made on the loop, and chained to before the loop could complete it.
        assertThat(threads.subList(1, threads.size())).containsOnly("kayak-raft-a");
    }

    @Test
    void blockingHostCallsFromACallbackOnTheLoopAreRefusedAndTheMemberGoesOn() throws Exception {
        Host a = cluster(Completion.EVENT_LOOP).get(0);
        List<Runnable> blockingCalls = List.of(a::close,
                () -> a.log().compact(1, Collections.emptyIterator(), 0));

        for (Runnable call : blockingCalls) {
            Object outcome = null;
            for (int attempt = 0; attempt < 20 && !(outcome instanceof RuntimeException); attempt++) {
                outcome = a.log().append(new byte[] {3}).handle((e, error) -> {
                    if (!Thread.currentThread().getName().equals("kayak-raft-a")) {
                        return "completed before the callback was chained";
                    }
                    try {
                        call.run();
                        return "not refused";
                    } catch (RuntimeException refused) {
                        return refused;
                    }
                }).get(5, TimeUnit.SECONDS);
            }
            assertThat(outcome).isInstanceOf(IllegalStateException.class);
            assertThat(((Exception) outcome).getMessage()).contains("called on a's event loop");
        }
        assertThat(a.log().append(new byte[] {4}).get(5, TimeUnit.SECONDS).index()).isPositive();
        assertThat(a.stopped()).isNotDone();
    }
}
