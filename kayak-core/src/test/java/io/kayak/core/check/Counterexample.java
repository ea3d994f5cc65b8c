package io.kayak.core.check;

import java.util.List;

/**
 * Why one key's history is not linearizable, as the search saw it at the furthest point it reached: the longest
 * order of operations it could justify, the register's value after it, and the operation whose completion came
 * while no pending operation could be ordered next. That completion is where a human should start looking: the
 * operations listed as pending are the ones whose responses contradict each other.
 *
 * @param key        the broken key
 * @param history    the whole history, to describe operations by id
 * @param prefix     ids of the longest linearizable prefix, in linearization order
 * @param state      the register's value after the prefix ({@code null}: absent)
 * @param stuck      id of the completed operation the search could not linearize before its completion
 * @param candidates ids of the operations pending at that point — invoked before {@code stuck} completed and not
 *                   in the prefix — in invocation order; includes {@code stuck}
 */
public record Counterexample(String key, History history, List<Integer> prefix, String state, int stuck,
                             List<Integer> candidates) {

    /** How many prefix operations {@link #describe()} shows; a long prefix is mostly noise. */
    static final int SHOWN_PREFIX = 10;

    public Counterexample {
        prefix = List.copyOf(prefix);
        candidates = List.copyOf(candidates);
    }

    /** The operation the search could not place, as recorded. */
    public Operation stuckOperation() {
        return history.operation(stuck);
    }

    /** A few lines for a human: the end of the prefix, the stuck completion and why each pending operation fails. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        out.append("key ").append(key).append(" is not linearizable.\n");
        out.append("The longest linearizable prefix orders ").append(prefix.size()).append(" operation(s)");
        int from = Math.max(0, prefix.size() - SHOWN_PREFIX);
        out.append(from > 0 ? "; the last " + SHOWN_PREFIX + ":\n" : prefix.isEmpty() ? ".\n" : ":\n");
        String value = RegisterModel.INITIAL;
        for (int id : prefix.subList(0, from)) {
            value = RegisterModel.apply(value, history.operation(id).command()).state();
        }
        for (int i = from; i < prefix.size(); i++) {
            Operation operation = history.operation(prefix.get(i));
            value = RegisterModel.apply(value, operation.command()).state();
            out.append("  #").append(prefix.get(i)).append(' ').append(operation)
                    .append("   => ").append(Response.quote(value)).append('\n');
        }
        Operation blocked = stuckOperation();
        out.append("Then the register holds ").append(Response.quote(state)).append(", and #").append(stuck)
                .append(" completed at ").append(blocked.completeTime())
                .append(" without any pending operation fitting next:\n");
        for (int id : candidates) {
            Operation operation = history.operation(id);
            out.append("  #").append(id).append(' ').append(operation).append(": ").append(why(operation))
                    .append('\n');
        }
        return out.toString();
    }

    private String why(Operation operation) {
        RegisterModel.Step step = RegisterModel.apply(state, operation.command());
        if (operation.outcome() == Outcome.OK && !step.response().equals(operation.response())) {
            return "the register would answer " + step.response();
        }
        return "fits here, but no order of the remaining operations does after it";
    }

    @Override
    public String toString() {
        return describe();
    }
}
