package io.kayak.core.session;

import io.kayak.core.session.SessionTable.Bookkeeping;
import io.kayak.core.session.SessionTable.Duplicate;
import io.kayak.core.session.SessionTable.Fresh;
import io.kayak.core.session.SessionTable.Reason;
import io.kayak.core.session.SessionTable.Refused;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class SessionTableTest {
    private final SessionTable table = new SessionTable();
    private long index;

    private SessionTable.Outcome apply(byte[] entry, long stamp) {
        Envelope.stamp(entry, stamp);
        return table.apply(++index, 1, entry);
    }

    private long open(long timeout, long stamp) {
        apply(Envelope.open(timeout, 100), stamp);
        return index;
    }

    @Test
    void aRepeatedSequenceIsADuplicateOfTheFirstCopy() {
        long s = open(10_000, 1);
        assertThat(apply(Envelope.append(s, 1, 1, new byte[] {7}), 2)).isEqualTo(new Fresh(2, 1));
        assertThat(apply(Envelope.append(s, 2, 1, new byte[] {8}), 3)).isEqualTo(new Fresh(3, 1));
        assertThat(apply(Envelope.append(s, 1, 1, new byte[] {7}), 4)).isEqualTo(new Duplicate(2, 1));
        assertThat(apply(Envelope.plain(new byte[] {9}), 0)).isEqualTo(new Fresh(5, 1));
    }

    @Test
    void sequencesMayCommitOutOfOrder() {
        long s = open(10_000, 1);
        assertThat(apply(Envelope.append(s, 3, 1, new byte[0]), 2)).isInstanceOf(Fresh.class);
        assertThat(apply(Envelope.append(s, 1, 1, new byte[0]), 3)).isInstanceOf(Fresh.class);
        assertThat(apply(Envelope.append(s, 2, 1, new byte[0]), 4)).isInstanceOf(Fresh.class);
        assertThat(apply(Envelope.append(s, 3, 1, new byte[0]), 5)).isEqualTo(new Duplicate(2, 1));
    }

    @Test
    void anAcknowledgedSequenceIsForgottenAndACopyOfItRefused() {
        long s = open(10_000, 1);
        apply(Envelope.append(s, 1, 1, new byte[0]), 2);
        apply(Envelope.append(s, 2, 2, new byte[0]), 3); // the client has the answer to 1
        SessionTable.Outcome late = apply(Envelope.append(s, 1, 1, new byte[0]), 4);
        assertThat(late).isInstanceOf(Refused.class);
        assertThat(((Refused) late).reason()).isEqualTo(Reason.ANSWERED_ALREADY);
    }

    @Test
    void sessionsExpireByLogTimeOnly() {
        long idle = open(1_000, 1_000);
        long busy = open(1_000, 1_000);
        // No stamped entry for a long while (an outage): nobody expires, whatever the clocks say.
        assertThat(table.isOpen(idle)).isTrue();
        apply(Envelope.keepAlive(busy, 1), 1_800);
        apply(Envelope.append(busy, 1, 1, new byte[0]), 2_600);
        assertThat(table.isOpen(idle)).isFalse();
        assertThat(table.isOpen(busy)).isTrue();
        SessionTable.Outcome outcome = apply(Envelope.append(idle, 1, 1, new byte[0]), 2_700);
        assertThat(outcome).isInstanceOf(Refused.class);
        assertThat(((Refused) outcome).reason()).isEqualTo(Reason.UNKNOWN_SESSION);
    }

    /**
     * A keep-alive whose own stamp expires its session must tell its client so: answered as bookkeeping, it would
     * tell the client that its session is alive and was just touched (simulator seed 5004127, whose client went
     * idle past its timeout and came back with a keep-alive).
     */
    @Test
    void aKeepAliveOfASessionThatIsGoneIsRefused() {
        long s = open(1_000, 1_000);
        SessionTable.Outcome late = apply(Envelope.keepAlive(s, 1), 2_500);
        assertThat(late).isInstanceOf(Refused.class);
        assertThat(((Refused) late).reason()).isEqualTo(Reason.UNKNOWN_SESSION);
        assertThat(apply(Envelope.keepAlive(99, 1), 2_600)).isInstanceOf(Refused.class);
        long live = open(1_000, 2_700);
        assertThat(apply(Envelope.keepAlive(live, 1), 3_000)).isEqualTo(new Bookkeeping(live));
    }

    @Test
    void aSessionWithTheLongestTimeoutNeverExpires() {
        long forever = open(Long.MAX_VALUE, 1_000);
        long other = open(1_000, 1_000);
        apply(Envelope.keepAlive(other, 1), Long.MAX_VALUE / 2);
        assertThat(table.isOpen(forever)).isTrue();
        assertThat(apply(Envelope.append(forever, 1, 1, new byte[0]), Long.MAX_VALUE / 2 + 1))
                .isInstanceOf(Fresh.class);
        SessionTable restored = SessionTable.decode(table.encode());
        assertThat(restored.isOpen(forever)).isTrue();
        assertThat(restored).isEqualTo(table);
    }

    @Test
    void aStampFromBehindDoesNotMoveLogTimeBack() {
        open(1_000, 5_000);
        apply(Envelope.keepAlive(1, 1), 4_000);
        assertThat(table.logTime()).isEqualTo(5_000);
    }

    @Test
    void openingBeyondTheLimitEvictsTheSessionClosestToExpiry() {
        long first = index + 1;
        apply(Envelope.open(1_000, 2), 1);
        long second = open(1_000, 2);
        apply(Envelope.keepAlive(first, 1), 3);
        apply(Envelope.open(1_000, 2), 4);
        assertThat(table.isOpen(first)).isTrue();
        assertThat(table.isOpen(second)).isFalse();
        assertThat(table.size()).isEqualTo(2);
    }

    @Test
    void aClosedSessionRefusesAppends() {
        long s = open(10_000, 1);
        assertThat(apply(Envelope.close(s), 2)).isEqualTo(new Bookkeeping(s));
        assertThat(apply(Envelope.append(s, 1, 1, new byte[0]), 3)).isInstanceOf(Refused.class);
    }

    @Test
    void envelopesRoundTrip() {
        byte[] e = Envelope.append(42, 7, 5, new byte[] {1, 2, 3});
        Envelope.stamp(e, 99);
        assertThat(Envelope.decode(e)).isEqualTo(new Envelope.Fields(Envelope.Type.APPEND, 99, 42, 7, 5, 0, 0));
        assertThat(Envelope.payloadOffset(e)).isEqualTo(Envelope.APPEND_HEADER);
        byte[] plain = Envelope.plain(new byte[] {4});
        Envelope.stamp(plain, 99); // plain entries carry no stamp: unchanged
        assertThat(plain).containsExactly(0, 4);
    }

    /**
     * A table restored from its encoding in the middle of a random run (a snapshot) goes on exactly like the one
     * that applied everything: same outcomes, same final table.
     */
    @Property(tries = 200)
    void aRestoredTableBehavesLikeTheOriginal(@ForAll long seed) {
        Random random = new Random(seed);
        List<byte[]> entries = new ArrayList<>();
        long stamp = 0;
        for (int i = 0; i < 200; i++) {
            stamp += random.nextInt(300);
            byte[] e = switch (random.nextInt(10)) {
                case 0 -> Envelope.open(500 + random.nextInt(2_000), 1 + random.nextInt(4));
                case 1 -> Envelope.keepAlive(1 + random.nextInt(i + 1), random.nextInt(5));
                case 2 -> Envelope.close(1 + random.nextInt(i + 1));
                case 3 -> Envelope.plain(new byte[] {1});
                default -> Envelope.append(1 + random.nextInt(i + 1), random.nextInt(12), random.nextInt(6),
                        new byte[] {2});
            };
            Envelope.stamp(e, stamp);
            entries.add(e);
        }
        int cut = random.nextInt(entries.size());
        SessionTable whole = new SessionTable();
        SessionTable restored = null;
        for (int i = 0; i < entries.size(); i++) {
            if (i == cut) {
                restored = SessionTable.decode(whole.encode());
            }
            SessionTable.Outcome expected = whole.apply(i + 1, 1, entries.get(i));
            if (restored != null) {
                assertThat(restored.apply(i + 1, 1, entries.get(i))).isEqualTo(expected);
            }
        }
        assertThat(restored).isEqualTo(whole);
    }
}
