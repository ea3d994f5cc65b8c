package io.kayak.server;

/**
 * Where a write stands in its client's session: the session it belongs to, its number in that session, and the
 * lowest number the client still has no answer for. A write sent again with the same three numbers, through any
 * member, takes effect at most once and is answered with the original result.
 *
 * @param session         the session's id, as {@code POST /v1/sessions} answered it
 * @param sequence        the write's number in the session, from 1, each used for one write only
 * @param firstUnanswered the lowest number the client has no answer for yet: the results below it may be forgotten
 */
public record SessionSequence(long session, long sequence, long firstUnanswered) {
    /**
     * @throws IllegalArgumentException unless {@code session >= 1} and {@code 1 <= firstUnanswered <= sequence}
     */
    public SessionSequence {
        if (session < 1 || firstUnanswered < 1 || firstUnanswered > sequence) {
            throw new IllegalArgumentException("need session >= 1 and 1 <= firstUnanswered <= sequence, not session "
                    + session + ", sequence " + sequence + ", firstUnanswered " + firstUnanswered);
        }
    }
}
