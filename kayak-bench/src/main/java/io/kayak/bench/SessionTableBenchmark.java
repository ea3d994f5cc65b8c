package io.kayak.bench;

import io.kayak.core.session.Envelope;
import io.kayak.core.session.SessionTable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The exactly-once dedup path: what every member does per committed application entry before listeners see it
 * ({@link SessionTable#apply}), and what a session's append costs to encode ({@link Envelope#append}).
 *
 * <p>The table holds {@code sessions} open sessions, each with {@code unanswered} remembered outcomes (1: a
 * closed-loop client, which has its answer before it appends again; 64: a client with 64 appends in flight). The
 * sessions append in turn, as many clients would; log time (the leader's stamp) advances one millisecond every 100
 * entries, about the rate of {@code kayak bench w1} at C=256, so no session expires and each append moves its
 * session's expiry.
 * <ul>
 *   <li>{@code applyFreshAppend}: a session's next sequence: recorded, and its oldest outcome trimmed (the client
 *   reports the answer it received), so the table stays the same size;</li>
 *   <li>{@code applyDuplicate}: a retried copy of the session's last committed append: found, answered with the
 *   first copy's index;</li>
 *   <li>{@code applyPlain}: an entry of {@code Log.append}, without a session.</li>
 * </ul>
 * The entries applied are one array per kind whose numbers are rewritten in place before each call (the table
 * keeps none of its bytes), so the apply benchmarks measure decoding and the table, not encoding.
 *
 * <p>Run: {@code java -jar kayak-bench/target/benchmarks.jar SessionTableBenchmark}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SessionTableBenchmark {
    private static final int PAYLOAD_BYTES = 128;
    private static final long TIMEOUT_MILLIS = 60_000;
    private static final int MAX_SESSIONS = 10_000;
    private static final long ENTRIES_PER_MILLI = 100;
    private static final long START_MILLIS = 1_700_000_000_000L;
    /** Offsets in an APPEND envelope (see {@link Envelope}): type, stamp, session, sequence, firstUnanswered. */
    private static final int SESSION_OFFSET = 9;
    private static final int SEQUENCE_OFFSET = 17;
    private static final int FIRST_UNANSWERED_OFFSET = 25;

    private static byte[] payload() {
        byte[] payload = new byte[PAYLOAD_BYTES];
        new Random(42).nextBytes(payload);
        return payload;
    }

    /** A table of open sessions in steady state, and the next log index. */
    @State(Scope.Thread)
    public static class Table {
        @Param({"1", "10000"})
        public int sessions;

        @Param({"1", "64"})
        public int unanswered;

        SessionTable table;
        long index = 1;
        long[] ids;
        /** Per session, the sequence of its next fresh append. */
        long[] next;
        int turn;
        byte[] append;
        byte[] plain;

        @Setup(Level.Trial)
        public void setUp() {
            table = new SessionTable();
            ids = new long[sessions];
            next = new long[sessions];
            for (int s = 0; s < sessions; s++) {
                byte[] open = Envelope.open(TIMEOUT_MILLIS, MAX_SESSIONS);
                Envelope.stamp(open, stamp());
                ids[s] = index;
                check(table.apply(index++, 1, open) instanceof SessionTable.Bookkeeping, "open");
            }
            append = Envelope.append(1, 1, 1, payload());
            plain = Envelope.plain(payload());
            for (int s = 0; s < sessions; s++) {
                for (long sequence = 1; sequence <= unanswered; sequence++) {
                    check(apply(ids[s], sequence, 1) instanceof SessionTable.Fresh, "fill");
                }
                next[s] = unanswered + 1;
            }
            Envelope.Fields f = Envelope.decode(append);
            check(f.session() == ids[sessions - 1] && f.sequence() == unanswered && f.firstUnanswered() == 1,
                    "rewritten envelope " + f);
            check(fresh() instanceof SessionTable.Fresh, "a fresh append");
            check(duplicate() instanceof SessionTable.Duplicate, "a duplicate");
            check(applyPlain() instanceof SessionTable.Fresh, "a plain entry");
            check(table.size() == sessions, sessions + " sessions open, not " + table.size());
        }

        private long stamp() {
            return START_MILLIS + index / ENTRIES_PER_MILLI;
        }

        private SessionTable.Outcome apply(long session, long sequence, long firstUnanswered) {
            ByteBuffer.wrap(append).putLong(SESSION_OFFSET, session).putLong(SEQUENCE_OFFSET, sequence)
                    .putLong(FIRST_UNANSWERED_OFFSET, firstUnanswered);
            Envelope.stamp(append, stamp());
            return table.apply(index++, 1, append);
        }

        private int nextTurn() {
            int s = turn;
            turn = s + 1 == sessions ? 0 : s + 1;
            return s;
        }

        /** The next session's next sequence; it reports the answer to its oldest outcome, which is trimmed. */
        SessionTable.Outcome fresh() {
            int s = nextTurn();
            long sequence = next[s]++;
            return apply(ids[s], sequence, sequence - unanswered + 1);
        }

        /** A copy of the next session's last committed append, with what it reported then. */
        SessionTable.Outcome duplicate() {
            int s = nextTurn();
            long sequence = next[s] - 1;
            return apply(ids[s], sequence, Math.max(1, sequence - unanswered + 1));
        }

        SessionTable.Outcome applyPlain() {
            return table.apply(index++, 1, plain);
        }

        private static void check(boolean ok, String what) {
            if (!ok) {
                throw new IllegalStateException("set-up went wrong: " + what);
            }
        }
    }

    /** What a session appends: its numbers and a payload of the benchmark's usual size. */
    @State(Scope.Thread)
    public static class Codec {
        final byte[] payload = payload();
        long sequence;
    }

    @Benchmark
    public SessionTable.Outcome applyFreshAppend(Table t) {
        return t.fresh();
    }

    @Benchmark
    public SessionTable.Outcome applyDuplicate(Table t) {
        return t.duplicate();
    }

    @Benchmark
    public SessionTable.Outcome applyPlain(Table t) {
        return t.applyPlain();
    }

    @Benchmark
    public byte[] encodeAppend(Codec c) {
        long sequence = ++c.sequence;
        return Envelope.append(4242, sequence, sequence, c.payload);
    }

    @Benchmark
    public byte[] encodePlain(Codec c) {
        return Envelope.plain(c.payload);
    }
}
