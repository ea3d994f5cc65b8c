package io.kayak.core.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        byKey.forEach((key, ids) -> partitions.add(new Partition(key, List.copyOf(ids))));
        return partitions;
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
