package io.kayak.bench;

import io.kayak.core.Configuration;
import io.kayak.core.Entry;
import io.kayak.core.Message;
import io.kayak.core.MemoryLogStore;
import io.kayak.core.RaftNode;
import io.kayak.core.RaftOptions;
import io.kayak.core.Ready;
import io.kayak.core.Role;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The core alone: proposals per second through a 3-member cluster whose storage is memory and whose network is a
 * queue, so only the Raft state machine (stepping, batching, commit, Ready assembly) is measured. Each invocation
 * proposes {@code batch} payloads at the leader and runs the cluster until they are committed and applied
 * everywhere.
 *
 * <p>Run: {@code java -jar kayak-bench/target/benchmarks.jar CoreBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CoreBenchmark {
    private static final int OPS = 1024;

    @Param({"1", "16", "256"})
    public int batch;

    private final Map<String, RaftNode> nodes = new LinkedHashMap<>();
    private final Map<String, MemoryLogStore> stores = new LinkedHashMap<>();
    private final ArrayDeque<Message> network = new ArrayDeque<>();
    private RaftNode leader;
    private List<byte[]> payloads;
    private long applied;

    @Setup(Level.Trial)
    public void setUp() {
        Map<String, String> members = new LinkedHashMap<>();
        for (String id : List.of("a", "b", "c")) {
            members.put(id, id + ":1");
        }
        Configuration config = Configuration.ofVoters(members);
        for (String id : members.keySet()) {
            MemoryLogStore store = new MemoryLogStore();
            store.append(List.of(RaftNode.bootstrapEntry(config)));
            store.saveHardState(RaftNode.bootstrapHardState());
            stores.put(id, store);
            nodes.put(id, new RaftNode(RaftOptions.builder(id).seed(id.hashCode()).build(), store,
                    store.hardState()));
        }
        RaftNode a = nodes.get("a");
        while (a.role() != Role.LEADER) {
            a.tick();
            settle();
        }
        leader = a;
        payloads = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            payloads.add(new byte[128]);
        }
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long proposeAndCommit() {
        for (int done = 0; done < OPS; done += batch) {
            leader.propose(payloads);
            settle();
        }
        return applied;
    }

    /** Moves every Ready through memory "disks" and the queue "network" until nothing is left to do. */
    private void settle() {
        boolean progress = true;
        while (progress) {
            progress = false;
            for (Map.Entry<String, RaftNode> e : nodes.entrySet()) {
                RaftNode node = e.getValue();
                while (node.hasReady()) {
                    progress = true;
                    Ready rd = node.ready();
                    network.addAll(rd.messages());
                    MemoryLogStore store = stores.get(e.getKey());
                    store.append(rd.entries());
                    if (rd.hardState() != null) {
                        store.saveHardState(rd.hardState());
                    }
                    applied += rd.committed().size();
                    network.addAll(rd.messagesAfterPersist());
                    Entry last = rd.lastEntry();
                    if (last != null) {
                        node.persisted(last.index(), last.term());
                    }
                }
            }
            while (!network.isEmpty()) {
                progress = true;
                Message m = network.poll();
                nodes.get(m.to()).step(m);
            }
        }
    }
}
