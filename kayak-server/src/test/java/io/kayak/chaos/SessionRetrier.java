package io.kayak.chaos;

import io.kayak.cli.HostPort;
import io.kayak.server.Json;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * One chaos client's writes in sessions mode: each write is sent in the client's session and, while its outcome is
 * open (503, 504, a timeout, a refused connection), sent again with the same session and sequence through a random
 * member, until a definite answer or {@link #BUDGET} runs out. The client makes one write at a time, so each reports
 * its own sequence as the first unanswered one.
 *
 * <p>A 410 means the session is gone, and this copy was not applied. No earlier copy was either: one that had
 * committed would have kept the session alive for the session timeout (60 s of log time) from then, far longer than
 * the budget. So the write is sent again, in a new session.
 */
final class SessionRetrier {
    /** How long one write is sent again before the client gives up on it: well below the session timeout. */
    static final Duration BUDGET = Duration.ofSeconds(15);

    private final KvHttp http;
    private final Supplier<List<Client.Target>> targets;
    private final Random random;
    private long session;
    private long sequence;
    private int retries;
    private int opened;

    /**
     * What became of one write.
     *
     * @param answer   its definite answer, or {@code null} when the budget ran out first
     * @param attempts how many copies (and session openings) were sent
     * @param detail   the last undecided answer or error, when {@code answer} is null
     */
    record Settled(KvHttp.Answer answer, int attempts, String detail) {
    }

    /** Sends one copy of a write to a member. */
    interface Send {
        KvHttp.Answer to(HostPort member, KvHttp.InSession at) throws IOException, InterruptedException;
    }

    SessionRetrier(KvHttp http, Supplier<List<Client.Target>> targets, Random random) {
        this.http = http;
        this.targets = targets;
        this.random = random;
    }

    /** Sends a write (first to {@code first}) until it is decided or the budget runs out. */
    Settled write(Client.Target first, Send send) throws InterruptedException {
        long deadline = System.nanoTime() + BUDGET.toNanos();
        Client.Target target = first;
        KvHttp.InSession at = null;
        String problem;
        for (int attempt = 1; ; attempt++) {
            try {
                problem = session == 0 ? open(target) : null;
                if (problem == null) {
                    if (at == null || at.session() != session) {
                        at = new KvHttp.InSession(session, ++sequence);
                    }
                    KvHttp.Answer a = send.to(target.http(), at);
                    if (a.status() == 410) {
                        session = 0; // not applied, by this copy or any earlier one (see the class comment)
                        problem = "HTTP 410";
                    } else if (a.status() == 503 || a.status() == 504) {
                        problem = "HTTP " + a.status();
                    } else {
                        return new Settled(a, attempt, null);
                    }
                }
            } catch (IOException e) {
                problem = e.getClass().getSimpleName();
            }
            if (System.nanoTime() > deadline) {
                return new Settled(null, attempt, problem);
            }
            retries++;
            Thread.sleep(50 + random.nextInt(150));
            List<Client.Target> choices = targets.get();
            if (!choices.isEmpty()) {
                target = choices.get(random.nextInt(choices.size()));
            }
        }
    }

    /** Opens a session through {@code target}; null when it did, else why not. */
    private String open(Client.Target target) throws IOException, InterruptedException {
        KvHttp.Answer a = http.openSession(target.http());
        if (a.status() != 200) {
            return "opening a session: HTTP " + a.status();
        }
        session = ((Number) Json.parseObject(a.body()).get("session")).longValue();
        sequence = 0;
        opened++;
        return null;
    }

    /** Copies sent again (and session openings retried) so far. */
    int retries() {
        return retries;
    }

    /** Sessions opened so far. */
    int opened() {
        return opened;
    }
}
