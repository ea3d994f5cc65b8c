package io.kayak.core.check;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A linear-time test for the commonest kind of key: only reads and blind writes, every write of a value of its own.
 * It decides in O(n log n) what the search ({@link LinearizationSearch}) may need exponential time for when many
 * writes overlap, as they do when a partition holds commits back and then releases them all at once.
 *
 * <p>With unique values each read names the write it saw, so the operations fall into clusters: a write and the
 * reads of its value (the initial, absent value has a virtual write before all time). In any linearization a
 * cluster is contiguous, write first. Of a cluster, let {@code end} be the earliest completion and {@code start}
 * the latest invocation. If {@code end < start} the cluster must cover the whole span between them (its write is
 * placed no later than {@code end}, its last operation no earlier than {@code start}): a <em>forward zone</em>.
 * Otherwise the whole cluster fits at any one instant between {@code start} and {@code end}: a <em>backward
 * zone</em>. Gibbons and Korach showed that such a history is linearizable exactly when no read precedes its
 * write, no two forward zones overlap, and no backward zone lies strictly inside a forward zone. Operations that
 * touch at one instant count as concurrent (as everywhere in this checker), so zones that only touch do not overlap.
 *
 * <p>This test only ever <em>accepts</em>: when it finds a violation (or the key is not of its kind), the checker
 * runs the full search, which gives the authoritative verdict and the counterexample. Its acceptance is
 * cross-checked against the search on random histories ({@code ZoneCheckTest}).
 */
final class ZoneCheck {
    private static final long BEFORE_ALL_TIME = Long.MIN_VALUE;

    /** One cluster's span: the earliest completion and the latest invocation among its operations. */
    private static final class Cluster {
        long end;
        long start;
        long writeInvoke;
        long firstReadEnd = Long.MAX_VALUE;

        Cluster(long writeInvoke, long writeEnd) {
            this.writeInvoke = writeInvoke;
            this.end = writeEnd;
            this.start = writeInvoke;
        }

        boolean forward() {
            return end < start;
        }
    }

    private ZoneCheck() {
    }

    /** Whether these operations (one key's, failed ones and unknown reads already dropped) are surely linearizable. */
    static boolean accepts(Operation[] ops) {
        Map<String, Cluster> clusters = new HashMap<>();
        Cluster initial = new Cluster(BEFORE_ALL_TIME, BEFORE_ALL_TIME);
        for (Operation op : ops) {
            Command command = op.command();
            if (command.kind() != Command.Kind.WRITE) {
                if (command.kind() != Command.Kind.READ || op.outcome() != Outcome.OK) {
                    return false;
                }
                continue;
            }
            // An unknown write that was read took effect at some point after its invocation, with no bound.
            long end = op.outcome() == Outcome.OK ? op.completeTime() : Operation.NEVER;
            if (clusters.put(command.value(), new Cluster(op.invokeTime(), end)) != null) {
                return false;
            }
        }
        for (Operation op : ops) {
            if (op.command().kind() != Command.Kind.READ) {
                continue;
            }
            String value = op.response().value();
            Cluster cluster = value == null ? initial : clusters.get(value);
            if (cluster == null) {
                return false;
            }
            cluster.end = Math.min(cluster.end, op.completeTime());
            cluster.start = Math.max(cluster.start, op.invokeTime());
            cluster.firstReadEnd = Math.min(cluster.firstReadEnd, op.completeTime());
        }
        List<Cluster> all = new ArrayList<>(clusters.values());
        all.add(initial);
        List<Cluster> forward = new ArrayList<>();
        for (Cluster cluster : all) {
            if (cluster.firstReadEnd < cluster.writeInvoke) {
                return false;
            }
            if (cluster.forward()) {
                forward.add(cluster);
            }
        }
        forward.sort(Comparator.comparingLong(c -> c.end));
        for (int i = 1; i < forward.size(); i++) {
            if (forward.get(i).end < forward.get(i - 1).start) {
                return false;
            }
        }
        for (Cluster cluster : all) {
            if (!cluster.forward() && insideSomeForwardZone(forward, cluster)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a backward zone lies strictly inside one of the (disjoint, sorted) forward zones: the forward zone
     * that opens last before it is the only candidate.
     */
    private static boolean insideSomeForwardZone(List<Cluster> forward, Cluster backward) {
        int low = 0;
        int high = forward.size() - 1;
        int candidate = -1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            if (forward.get(middle).end < backward.start) {
                candidate = middle;
                low = middle + 1;
            } else {
                high = middle - 1;
            }
        }
        return candidate >= 0 && backward.end < forward.get(candidate).start;
    }
}
