package io.kayak.core.check;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * An immutable list of operations observed by the clients of a key-value store: the input of the
 * {@link LinearizabilityChecker}. An operation's index in {@link #operations()} is its id in explanations.
 *
 * <p>Build one from events as they happen with {@link #builder()} — {@link Builder#invoke invoke} returns an id that
 * a later {@link Builder#ok ok}, {@link Builder#fail fail} or {@link Builder#unknown unknown} completes — or from
 * complete, timed {@link Operation} records with {@link #of(Collection)}.
 */
public final class History {
    private final List<Operation> operations;

    private History(List<Operation> operations) {
        this.operations = List.copyOf(operations);
    }

    /** A history of already completed (or unknown) operations. */
    public static History of(Collection<Operation> operations) {
        return new History(new ArrayList<>(operations));
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<Operation> operations() {
        return operations;
    }

    public Operation operation(int id) {
        return operations.get(id);
    }

    public int size() {
        return operations.size();
    }

    /** The keys the history touches, sorted. */
    public SortedSet<String> keys() {
        SortedSet<String> keys = new TreeSet<>();
        for (Operation operation : operations) {
            keys.add(operation.key());
        }
        return keys;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof History h && h.operations.equals(operations);
    }

    @Override
    public int hashCode() {
        return operations.hashCode();
    }

    @Override
    public String toString() {
        return "History" + operations;
    }

    /**
     * Records a history event by event, in the order the events happened.
     *
     * <p>The plain methods stamp each event with the next tick of a logical clock; the {@code ...At} variants take
     * the caller's time, which must never go backwards. Each process has at most one operation in flight, as a real
     * client does: an invocation while the previous one is pending is a bug of the recording harness, so it throws.
     * An {@code unknown} completion frees the process (a harness may also switch to a fresh process id, as Jepsen
     * does; the checker does not care). Operations still pending at {@link #build()} become {@link Outcome#UNKNOWN}.
     */
    public static final class Builder {
        private final List<Operation> operations = new ArrayList<>();
        /** Ids of invoked, not yet completed operations. */
        private final Map<Integer, Integer> pendingByProcess = new HashMap<>();
        private final Set<Integer> pending = new HashSet<>();
        private long lastTime = -1;

        private Builder() {
        }

        /** Records an invocation at the next logical tick and returns the operation's id. */
        public int invoke(int process, Command command) {
            return invokeAt(lastTime + 1, process, command);
        }

        public int invokeAt(long time, int process, Command command) {
            Objects.requireNonNull(command, "command");
            advanceTo(time);
            Integer inFlight = pendingByProcess.get(process);
            if (inFlight != null) {
                throw new IllegalStateException("process " + process + " invokes " + command
                        + " while operation " + inFlight + " is still pending");
            }
            int id = operations.size();
            // A placeholder until the completion arrives: pending operations are unknown ones that never completed.
            operations.add(Operation.unknown(process, command, time, Operation.NEVER));
            pendingByProcess.put(process, id);
            pending.add(id);
            return id;
        }

        /** Completes operation {@code id} successfully at the next logical tick. */
        public Builder ok(int id, Response response) {
            return okAt(lastTime + 1, id, response);
        }

        public Builder okAt(long time, int id, Response response) {
            Objects.requireNonNull(response, "response");
            return complete(time, id, Outcome.OK, response);
        }

        /** Records that operation {@code id} definitely did not take effect. */
        public Builder fail(int id) {
            return failAt(lastTime + 1, id);
        }

        public Builder failAt(long time, int id) {
            return complete(time, id, Outcome.FAIL, null);
        }

        /** Records that operation {@code id} may or may not have taken effect (a timeout, a crash). */
        public Builder unknown(int id) {
            return unknownAt(lastTime + 1, id);
        }

        public Builder unknownAt(long time, int id) {
            return complete(time, id, Outcome.UNKNOWN, null);
        }

        /** Adds a complete, timed operation record; it does not take part in the per-process bookkeeping. */
        public Builder add(Operation operation) {
            operations.add(Objects.requireNonNull(operation, "operation"));
            // Keep the logical clock ahead of explicit times, so later plain events come after this record.
            lastTime = Math.max(lastTime, operation.completeTime() == Operation.NEVER
                    ? operation.invokeTime() : operation.completeTime());
            return this;
        }

        /** Whether operation {@code id} was invoked and has not completed yet. */
        public boolean isPending(int id) {
            return pending.contains(id);
        }

        public History build() {
            return new History(operations);
        }

        private Builder complete(long time, int id, Outcome outcome, Response response) {
            if (!pending.contains(id)) {
                throw new IllegalStateException("operation " + id + " is not pending");
            }
            checkTime(time);
            Operation invoked = operations.get(id);
            // Built before any bookkeeping changes, so a mismatched response leaves the builder as it was.
            Operation completed = new Operation(invoked.process(), invoked.command(), invoked.invokeTime(), time,
                    outcome, response);
            advanceTo(time);
            pending.remove(id);
            pendingByProcess.remove(invoked.process());
            operations.set(id, completed);
            return this;
        }

        private void checkTime(long time) {
            if (time < lastTime) {
                throw new IllegalArgumentException("time goes backwards: " + time + " after " + lastTime);
            }
            if (time < 0 || time == Operation.NEVER) {
                throw new IllegalArgumentException("not a time: " + time);
            }
        }

        private void advanceTo(long time) {
            checkTime(time);
            lastTime = time;
        }
    }
}
