package io.kayak.core.check;

/**
 * The sequential specification of one key: a register that holds a string or nothing. The checker asks whether
 * some order of the operations, consistent with real time, makes every response one this model would give.
 *
 * <p>A register starts absent. The state is the value itself ({@code null} for absent), so two search branches
 * that reach the same value are interchangeable — what the search's cache relies on.
 */
public final class RegisterModel {
    /** The state of a fresh register. */
    public static final String INITIAL = null;

    private RegisterModel() {
    }

    /**
     * The result of applying a command to a state.
     *
     * @param state    the register's value afterwards ({@code null}: absent)
     * @param response what the register answers
     */
    public record Step(String state, Response response) {
    }

    /** Applies {@code command} to a register holding {@code state} ({@code null}: absent). */
    public static Step apply(String state, Command command) {
        return switch (command.kind()) {
            case READ -> new Step(state, Response.read(state));
            case WRITE -> new Step(command.value(), Response.written());
            case CAS -> command.expected().equals(state)
                    ? new Step(command.value(), Response.cas(true))
                    : new Step(state, Response.cas(false));
            case DELETE -> new Step(null, Response.deleted(state != null));
        };
    }
}
