package io.kayak.server;

import io.netty.handler.codec.http.HttpHeaders;

import java.util.List;

/**
 * The HTTP headers that put a write in a client session (see {@code docs/server.md}, "Exactly-once writes"):
 * {@value #SESSION} and {@value #SEQUENCE} together, and optionally {@value #FIRST_UNANSWERED} (the sequence itself
 * when absent).
 */
public final class SessionHeaders {
    /** The session's id, as {@code POST /v1/sessions} answered it. */
    public static final String SESSION = "Kayak-Session";
    /** The write's number in its session, from 1. */
    public static final String SEQUENCE = "Kayak-Sequence";
    /** The lowest number the client has no answer for yet; defaults to {@value #SEQUENCE}. */
    public static final String FIRST_UNANSWERED = "Kayak-First-Unanswered";

    private SessionHeaders() {
    }

    /**
     * The session write the headers describe, or {@code null} when they name no session.
     *
     * @throws IllegalArgumentException when only one of {@value #SESSION} and {@value #SEQUENCE} is given, a header
     *                                  is repeated or not a decimal number, or the numbers are out of range
     */
    static SessionSequence parse(HttpHeaders headers) {
        Long session = number(headers, SESSION);
        Long sequence = number(headers, SEQUENCE);
        Long firstUnanswered = number(headers, FIRST_UNANSWERED);
        if (session == null && sequence == null) {
            if (firstUnanswered != null) {
                throw new IllegalArgumentException(FIRST_UNANSWERED + " without " + SESSION + " and " + SEQUENCE);
            }
            return null;
        }
        if (session == null || sequence == null) {
            throw new IllegalArgumentException(SESSION + " and " + SEQUENCE + " go together");
        }
        return new SessionSequence(session, sequence, firstUnanswered == null ? sequence : firstUnanswered);
    }

    private static Long number(HttpHeaders headers, String name) {
        List<String> values = headers.getAll(name);
        if (values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new IllegalArgumentException(name + " given more than once");
        }
        try {
            return Long.parseLong(values.get(0).strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a decimal number, not '" + values.get(0) + "'");
        }
    }
}
