package io.kayak.cli;

import io.kayak.server.Json;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Makes one write through a client session so that retrying it is safe: opens a session ({@code POST
 * /v1/sessions}), sends the write as its sequence 1, and while the answer leaves the outcome open (503, 504, or no
 * answer at all) sends the very same write, with the same session and sequence, again through the next member,
 * until a definite answer or the deadline. However often it is sent, the write takes effect at most once, and a
 * retry is answered with the first copy's status and body. A session that expired (410) never applied the write, so
 * the writer opens a new one and goes on: had an earlier copy committed, it would have kept the session alive for
 * the session timeout (60 s of log time) from then, longer than the writer tries ({@link #MAX_RETRY_SECONDS} plus the
 * member's own 5 s of retrying).
 *
 * <p>The members to try are those given, then those the first member that answers lists in its status.
 */
final class SessionWriter {
    /** The longest a write may be retried: a 410 then still proves it was never applied (see above). */
    static final int MAX_RETRY_SECONDS = 45;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

    private final List<HostPort> members;
    private final Function<HostPort, ClusterClient> clients;
    private final Duration retryFor;
    private final Consumer<String> progress;
    private boolean discovered;

    /**
     * @param members  the members to send through, in this order (then any others they list)
     * @param clients  makes the HTTP client of a member
     * @param retryFor how long to keep trying before giving up with the last answer
     * @param progress told of each retry and why, for the user
     */
    SessionWriter(List<HostPort> members, Function<HostPort, ClusterClient> clients, Duration retryFor,
                  Consumer<String> progress) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("no member to send to");
        }
        this.members = new ArrayList<>(members);
        this.clients = clients;
        this.retryFor = retryFor;
        this.progress = progress;
    }

    /**
     * Makes {@code write} and returns its definite answer, or the last answer (503 or 504) when the deadline passed
     * first.
     *
     * @throws CliException (exit code 2) when no member could be reached before the deadline
     */
    ClusterClient.Reply write(ClusterClient.Write write) {
        long deadline = System.nanoTime() + retryFor.toNanos();
        Duration backoff = FIRST_BACKOFF;
        Long session = null;
        ClusterClient.Reply last = null;
        String problem;
        for (int attempt = 0; ; attempt++) {
            HostPort member = members.get(attempt % members.size());
            ClusterClient client = clients.apply(member);
            try {
                if (session == null) {
                    ClusterClient.Reply opened = client.openSession();
                    discover(client);
                    if (opened.status() != 200) {
                        if (!undecided(opened.status())) {
                            return opened;
                        }
                        last = opened;
                        throw new Undecided("opening a session: HTTP " + opened.status() + ": " + opened.error());
                    }
                    session = sessionId(opened);
                }
                ClusterClient.Reply reply = client.write(write, session, 1, 1);
                if (reply.status() == 410) {
                    // The session is gone and the write never took effect: a fresh session may send it.
                    session = null;
                    throw new Undecided("session expired; opening another");
                }
                if (!undecided(reply.status())) {
                    return reply;
                }
                last = reply;
                problem = "HTTP " + reply.status() + ": " + reply.error();
            } catch (IOException e) {
                problem = "cannot reach " + member + ": " + (e.getMessage() == null ? e.getClass().getSimpleName()
                        : e.getMessage());
            } catch (Undecided e) {
                problem = e.getMessage();
            }
            if (System.nanoTime() + backoff.toNanos() > deadline) {
                if (last != null) {
                    return last;
                }
                throw new CliException(problem, 2);
            }
            progress.accept(problem + "; retrying through " + members.get((attempt + 1) % members.size()));
            sleep(backoff);
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    /** 503 (nothing written) and 504 (outcome open): sending the same numbers again settles either. */
    private static boolean undecided(int status) {
        return status == 503 || status == 504;
    }

    private static long sessionId(ClusterClient.Reply opened) {
        try {
            return ((Number) Json.parseObject(opened.text()).get("session")).longValue();
        } catch (IllegalArgumentException | ClassCastException | NullPointerException bad) {
            throw new CliException("the server opened a session but answered " + opened.text(), 4);
        }
    }

    /** Adds the members {@code client}'s member lists (once; best effort: a member that does not say is fine). */
    @SuppressWarnings("unchecked")
    private void discover(ClusterClient client) {
        if (discovered) {
            return;
        }
        discovered = true;
        try {
            Object rows = client.status().get("members");
            if (rows instanceof List<?> list) {
                for (Object row : list) {
                    Object http = ((Map<String, Object>) row).get("http");
                    if (http instanceof String address && !address.isEmpty()) {
                        HostPort found = HostPort.parse(address);
                        if (!members.contains(found)) {
                            members.add(found);
                        }
                    }
                }
            }
        } catch (CliException | IllegalArgumentException | ClassCastException unknown) {
            // Only the given members then.
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", 130);
        }
    }

    /** An attempt that settled nothing; its message says why. */
    private static final class Undecided extends Exception {
        private static final long serialVersionUID = 1L;

        Undecided(String message) {
            super(message, null, false, false);
        }
    }
}
