package io.kayak.core.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Decides whether one key's operations are linearizable: the Wing–Gong search with Lowe's memoisation, as in
 * Knossos and Porcupine.
 *
 * <p>The operations become a doubly linked list of invocation and completion events in time order. Walking it from
 * the front, the search tries to linearize a pending operation (an invocation): if the register model gives the
 * recorded response, the operation is lifted out of the list (invocation and completion both) and the walk starts
 * again from the front. Reaching a completion means that operation had to be linearized already and was not: the
 * search backtracks, undoing the last linearization and trying the next candidate after it. A set of
 * (linearized operations, register value) pairs already explored prunes the many interleavings that end in the same
 * place — without it the search is factorial in the concurrency.
 *
 * <p>An unknown operation has no completion event (it returns at +infinity), so nothing ever forces it: the search
 * may linearize it anywhere after its invocation, and succeeds once every completion has been lifted — the unknown
 * operations still pending then simply never took effect. Any response is acceptable for it.
 *
 * <p>The search is budgeted in steps (one step per list entry visited) so that a pathological history ends in
 * {@link Verdict#UNKNOWN} rather than running forever.
 */
final class LinearizationSearch {
    private final History history;
    private final String key;
    private final int[] ids;
    private final long maxSteps;

    /** One invocation or completion in the event list. */
    private static final class Entry {
        final int op;
        final boolean completion;
        final long time;
        Entry match;
        Entry prev;
        Entry next;

        Entry(int op, boolean completion, long time) {
            this.op = op;
            this.completion = completion;
            this.time = time;
        }
    }

    /** A linearized operation on the backtracking stack, with the register value before it. */
    private record Frame(Entry call, String stateBefore) {
    }

    LinearizationSearch(History history, KeyPartitioner.Partition partition, long maxSteps) {
        this.history = history;
        this.key = partition.key();
        this.ids = partition.ids().stream().mapToInt(Integer::intValue).toArray();
        this.maxSteps = maxSteps;
    }

    /**
     * A read that returned a value no write (or compare-and-set) of this key could have produced can never be
     * linearized, whatever the order: answer at once instead of exploring every interleaving to prove it.
     */
    private KeyResult readOfUnwrittenValue(Operation[] ops) {
        Set<String> writable = new HashSet<>();
        for (Operation op : ops) {
            Command c = op.command();
            if (c.kind() == Command.Kind.WRITE || c.kind() == Command.Kind.CAS) {
                writable.add(c.value());
            }
        }
        for (int i = 0; i < ops.length; i++) {
            Operation op = ops[i];
            if (op.outcome() == Outcome.OK && op.command().kind() == Command.Kind.READ
                    && op.response().value() != null && !writable.contains(op.response().value())) {
                Counterexample why = new Counterexample(key, history, List.of(), RegisterModel.INITIAL, ids[i],
                        List.of(ids[i]));
                return new KeyResult(key, Verdict.NOT_LINEARIZABLE, ops.length, 0, why);
            }
        }
        return null;
    }

    KeyResult run() {
        int n = ids.length;
        Operation[] ops = new Operation[n];
        for (int i = 0; i < n; i++) {
            ops[i] = history.operation(ids[i]);
        }
        KeyResult impossible = readOfUnwrittenValue(ops);
        if (impossible != null) {
            return impossible;
        }
        Entry head = buildList(ops);
        int remainingCompletions = 0;
        for (Operation op : ops) {
            if (op.outcome() == Outcome.OK) {
                remainingCompletions++;
            }
        }

        long[] linearized = new long[(n + 63) >>> 6];
        Set<CacheKey> cache = new HashSet<>();
        List<Frame> stack = new ArrayList<>();
        String state = RegisterModel.INITIAL;
        long steps = 0;
        // The furthest the search got, for the explanation: deepest stack when a completion blocked it.
        int bestDepth = -1;
        List<Integer> bestPrefix = List.of();
        String bestState = null;
        int bestStuck = -1;

        Entry entry = head.next;
        while (remainingCompletions > 0) {
            if (++steps > maxSteps) {
                return new KeyResult(key, Verdict.UNKNOWN, n, steps - 1, null);
            }
            if (!entry.completion) {
                Operation op = ops[entry.op];
                RegisterModel.Step step = RegisterModel.apply(state, op.command());
                if (op.outcome() == Outcome.UNKNOWN || step.response().equals(op.response())) {
                    set(linearized, entry.op);
                    if (cache.add(CacheKey.of(linearized, step.state()))) {
                        stack.add(new Frame(entry, state));
                        state = step.state();
                        lift(entry);
                        if (entry.match != null) {
                            remainingCompletions--;
                        }
                        entry = head.next;
                        continue;
                    }
                    clear(linearized, entry.op);
                }
                entry = entry.next;
            } else {
                if (stack.size() > bestDepth) {
                    bestDepth = stack.size();
                    bestPrefix = stack.stream().map(f -> ids[f.call().op]).toList();
                    bestState = state;
                    bestStuck = entry.op;
                }
                if (stack.isEmpty()) {
                    return new KeyResult(key, Verdict.NOT_LINEARIZABLE, n, steps,
                            counterexample(ops, bestPrefix, bestState, bestStuck));
                }
                Frame top = stack.remove(stack.size() - 1);
                state = top.stateBefore();
                clear(linearized, top.call().op);
                unlift(top.call());
                if (top.call().match != null) {
                    remainingCompletions++;
                }
                entry = top.call().next;
            }
        }
        return new KeyResult(key, Verdict.LINEARIZABLE, n, steps, null);
    }

    /**
     * Events sorted by time; at equal times invocations come first, so that operations touching at one instant
     * count as concurrent (see {@link Operation}). Unknown operations get no completion event.
     */
    private static Entry buildList(Operation[] ops) {
        List<Entry> events = new ArrayList<>();
        for (int i = 0; i < ops.length; i++) {
            Entry call = new Entry(i, false, ops[i].invokeTime());
            events.add(call);
            if (ops[i].outcome() == Outcome.OK) {
                Entry ret = new Entry(i, true, ops[i].completeTime());
                call.match = ret;
                ret.match = call;
                events.add(ret);
            }
        }
        events.sort(Comparator.<Entry>comparingLong(e -> e.time)
                .thenComparing(e -> e.completion)
                .thenComparingInt(e -> e.op));
        Entry head = new Entry(-1, false, -1);
        Entry last = head;
        for (Entry e : events) {
            last.next = e;
            e.prev = last;
            last = e;
        }
        return head;
    }

    /** Removes a linearized operation's invocation and completion from the list. */
    private static void lift(Entry call) {
        unlink(call);
        if (call.match != null) {
            unlink(call.match);
        }
    }

    /** Puts them back, in the reverse order of {@link #lift}, so each neighbour pointer is still valid. */
    private static void unlift(Entry call) {
        if (call.match != null) {
            relink(call.match);
        }
        relink(call);
    }

    private static void unlink(Entry e) {
        e.prev.next = e.next;
        if (e.next != null) {
            e.next.prev = e.prev;
        }
    }

    private static void relink(Entry e) {
        e.prev.next = e;
        if (e.next != null) {
            e.next.prev = e;
        }
    }

    private Counterexample counterexample(Operation[] ops, List<Integer> prefix, String state, int stuck) {
        Set<Integer> done = new HashSet<>(prefix);
        long deadline = ops[stuck].completeTime();
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < ops.length; i++) {
            if (!done.contains(ids[i]) && ops[i].invokeTime() <= deadline) {
                candidates.add(ids[i]);
            }
        }
        return new Counterexample(key, history, prefix, state, ids[stuck], candidates);
    }

    private static void set(long[] bits, int i) {
        bits[i >>> 6] |= 1L << i;
    }

    private static void clear(long[] bits, int i) {
        bits[i >>> 6] &= ~(1L << i);
    }

    /**
     * A memoised search state. The linearized set is stored trimmed — leading all-ones words counted, trailing
     * zero words dropped — because linearized operations are nearly always a prefix of the invocation order plus a
     * few stragglers: entries stay small even for keys with hundreds of thousands of operations.
     */
    private static final class CacheKey {
        private final int fullWords;
        private final long[] rest;
        private final String state;
        private final int hash;

        private CacheKey(int fullWords, long[] rest, String state) {
            this.fullWords = fullWords;
            this.rest = rest;
            this.state = state;
            this.hash = 31 * (31 * fullWords + Arrays.hashCode(rest)) + Objects.hashCode(state);
        }

        static CacheKey of(long[] bits, String state) {
            int from = 0;
            while (from < bits.length && bits[from] == -1L) {
                from++;
            }
            int to = bits.length;
            while (to > from && bits[to - 1] == 0L) {
                to--;
            }
            return new CacheKey(from, Arrays.copyOfRange(bits, from, to), state);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof CacheKey k && k.hash == hash && k.fullWords == fullWords
                    && Arrays.equals(k.rest, rest) && Objects.equals(k.state, state);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
