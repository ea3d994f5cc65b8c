package io.kayak.core;

/**
 * The leader refused a proposal for a reason other than not leading: a leadership transfer is in progress, or a
 * configuration change is already in flight, or the change itself is not allowed.
 */
public final class ProposalRefusedException extends RaftException {
    private static final long serialVersionUID = 1L;

    public ProposalRefusedException(String message) {
        super(message);
    }
}
