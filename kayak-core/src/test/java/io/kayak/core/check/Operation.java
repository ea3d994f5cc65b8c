package io.kayak.core.check;

import java.util.Objects;

/**
 * One operation of a history: a command, the client process that issued it, when it was invoked and completed,
 * and how it ended.
 *
 * <p>Times are non-negative numbers on one clock shared by all clients of a history (logical event numbers or
 * nanoseconds; only their order matters). Operation A precedes B in real time iff
 * {@code A.completeTime() < B.invokeTime()}: equal times count as concurrent, which can only accept more
 * histories, never reject a correct one because of clock granularity.
 *
 * @param process      the client that issued it; informative, since real-time order alone constrains the search
 * @param command      what was asked
 * @param invokeTime   when the client sent it
 * @param completeTime when the client learnt the outcome; for {@link Outcome#UNKNOWN} only informative (the
 *                     operation stays concurrent with everything after its invocation), and {@link #NEVER} if the
 *                     history ended first
 * @param outcome      how it ended
 * @param response     what an {@link Outcome#OK ok} operation observed; {@code null} for the other outcomes
 */
public record Operation(int process, Command command, long invokeTime, long completeTime, Outcome outcome,
                        Response response) {

    /** The completion time of an operation that never completed. */
    public static final long NEVER = Long.MAX_VALUE;

    public Operation {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(outcome, "outcome");
        if (invokeTime < 0 || invokeTime == NEVER) {
            throw new IllegalArgumentException("invoke time must be a time: " + invokeTime);
        }
        if (completeTime < invokeTime) {
            throw new IllegalArgumentException("completed at " + completeTime + " before invoked at " + invokeTime);
        }
        if (completeTime == NEVER && outcome != Outcome.UNKNOWN) {
            throw new IllegalArgumentException("only an unknown operation may never complete");
        }
        if ((response != null) != (outcome == Outcome.OK)) {
            throw new IllegalArgumentException("an operation has a response iff it completed ok: " + outcome);
        }
        if (response != null && response.kind() != command.kind()) {
            throw new IllegalArgumentException("a " + response.kind() + " response to a " + command.kind());
        }
    }

    /** A successfully completed operation. */
    public static Operation ok(int process, Command command, long invokeTime, long completeTime, Response response) {
        return new Operation(process, command, invokeTime, completeTime, Outcome.OK, response);
    }

    /** An operation known not to have taken effect. */
    public static Operation fail(int process, Command command, long invokeTime, long completeTime) {
        return new Operation(process, command, invokeTime, completeTime, Outcome.FAIL, null);
    }

    /** An operation that may or may not have taken effect. */
    public static Operation unknown(int process, Command command, long invokeTime, long completeTime) {
        return new Operation(process, command, invokeTime, completeTime, Outcome.UNKNOWN, null);
    }

    public String key() {
        return command.key();
    }

    /** The same operation with another response (a test corrupting a history, for instance). */
    public Operation withResponse(Response other) {
        return new Operation(process, command, invokeTime, completeTime, outcome, other);
    }

    @Override
    public String toString() {
        String end = completeTime == NEVER ? "…" : Long.toString(completeTime);
        String result = switch (outcome) {
            case OK -> "-> " + response;
            case FAIL -> "failed";
            case UNKNOWN -> "unknown";
        };
        return "p" + process + " " + command + " " + result + " [" + invokeTime + ".." + end + "]";
    }
}
