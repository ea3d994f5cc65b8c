package io.kayak.core.check;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Splits a history into one sub-history per key and drops the operations that cannot matter.
 *
 * <p>Registers of different keys are independent, and linearizability is compositional (Herlihy and Wing): a
 * history is linearizable iff each key's sub-history is. Checking keys apart turns one search over n operations
 * into several much smaller ones — the search is exponential in the worst case, so this is the biggest saving.
 */
final class KeyPartitioner {

    /** The operations of one key that the search must order, each with its id in the whole history. */
    record Partition(String key, List<Integer> ids) {
    }

    private KeyPartitioner() {
    }

    /** One partition per key, in key order; keys whose every operation was dropped still appear (empty). */
    static List<Partition> split(History history) {
        Map<String, List<Integer>> byKey = new TreeMap<>();
        for (int id = 0; id < history.size(); id++) {
            Operation operation = history.operation(id);
            List<Integer> ids = byKey.computeIfAbsent(operation.key(), k -> new ArrayList<>());
            if (matters(operation)) {
                ids.add(id);
            }
        }
        List<Partition> partitions = new ArrayList<>();
        byKey.forEach((key, ids) -> partitions.add(new Partition(key, withoutUnseenUnknownWrites(history, ids))));
        return partitions;
    }

    /**
     * Drops the unknown writes whose value no read ever returned, when the key has no successful compare-and-set
     * or delete. Such a write changes nothing anyone can tell: if the history is linearizable with it taking
     * effect at some point, every operation linearized between it and the next write is a read (of some other
     * value, so none) or an unknown operation (which may as well not take effect), and dropping it leaves a valid
     * order; without it, it simply never took effect. A compare-and-set's or a delete's answer depends on the
     * value without returning it, which breaks that argument, so keys with either keep everything. Unknown writes
     * are what makes the search expensive (each may be placed anywhere after its invocation), and in a correct
     * system the lost ones are exactly the ones never read.
     */
    private static List<Integer> withoutUnseenUnknownWrites(History history, List<Integer> ids) {
        Set<String> seen = new HashSet<>();
        for (int id : ids) {
            Operation operation = history.operation(id);
            if (operation.outcome() != Outcome.OK) {
                continue;
            }
            switch (operation.command().kind()) {
                case CAS, DELETE -> {
                    return List.copyOf(ids);
                }
                case READ -> seen.add(operation.response().value());
                case WRITE -> {
                }
            }
        }
        List<Integer> kept = new ArrayList<>(ids.size());
        for (int id : ids) {
            Operation operation = history.operation(id);
            boolean unseenUnknownWrite = operation.outcome() == Outcome.UNKNOWN
                    && operation.command().kind() == Command.Kind.WRITE
                    && !seen.contains(operation.command().value());
            if (!unseenUnknownWrite) {
                kept.add(id);
            }
        }
        return List.copyOf(kept);
    }

    /**
     * A failed operation never took effect, so it constrains nothing; an unknown read changes nothing and
     * observed nothing we know of. Neither needs a place in the order.
     */
    private static boolean matters(Operation operation) {
        return switch (operation.outcome()) {
            case OK -> true;
            case FAIL -> false;
            case UNKNOWN -> operation.command().kind() != Command.Kind.READ;
        };
    }
}
