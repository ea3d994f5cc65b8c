package io.kayak.server;

/**
 * Why a client request failed, in the terms clients act on. Both protocols map these to their own error forms.
 */
public final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Failure kinds, each with its HTTP status. */
    public enum Kind {
        /** Malformed request. Nothing was done. */
        BAD_REQUEST(400),
        /** Key or value above the limits. Nothing was done. */
        TOO_LARGE(413),
        /** No leader, no quorum, or too busy: nothing was appended; retry later. */
        UNAVAILABLE(503),
        /**
         * A session write whose session is not open (it expired, was evicted, or never existed): it did not and
         * never will take effect. Open a new session.
         */
        SESSION_EXPIRED(410),
        /**
         * A session write the session will not answer: its sequence is below the session's first unanswered one,
         * the session has too many unanswered writes, or the write's result is no longer remembered. This request
         * did not take effect (an earlier copy of it may have); retrying does not help.
         */
        SEQUENCE_REFUSED(422),
        /** A write that may or may not have been applied (it may still commit). */
        OUTCOME_UNKNOWN(504);

        private final int httpStatus;

        Kind(int httpStatus) {
            this.httpStatus = httpStatus;
        }

        public int httpStatus() {
            return httpStatus;
        }
    }

    private final Kind kind;
    private final String leader;

    public Failure(Kind kind, String message, String leader) {
        super(message, null, false, false);
        this.kind = kind;
        this.leader = leader;
    }

    public Failure(Kind kind, String message) {
        this(kind, message, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The client address of the leader when known (HTTP address once it registered, else its peer address). */
    public String leader() {
        return leader;
    }
}
