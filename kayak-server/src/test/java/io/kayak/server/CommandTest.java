package io.kayak.server;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The log encoding of commands, and the results computed when they are applied. */
class CommandTest {
    @Test
    void everyCommandRoundTrips() {
        Command[] commands = {new Command.Put(Bytes.utf8("k"), Bytes.utf8("v")),
                new Command.Cas(Bytes.utf8("k"), Bytes.utf8(""), Bytes.utf8("new")),
                new Command.Delete(Bytes.utf8("k")), new Command.Incr(Bytes.utf8("n")),
                new Command.Register("a", "127.0.0.1:1", ""),
                new Command.SessionWrite(new SessionSequence(7, 3, 2), new Command.Cas(Bytes.utf8("k"),
                        Bytes.utf8("x"), Bytes.utf8("y"))),
                new Command.SessionWrite(new SessionSequence(7, 4, 4), new Command.Incr(Bytes.utf8("n"))),
                new Command.Remembered(7, 3, new Outcome(12, Outcome.Status.NOT_SWAPPED, 0)),
                new Command.Remembered(7, 4, new Outcome(13, Outcome.Status.INCREMENTED, 42))};
        for (Command c : commands) {
            assertThat(Command.decode(c.encode())).isEqualTo(c);
        }
    }

    @Test
    void undecodablePayloadsAreRefused() {
        assertThatThrownBy(() -> Command.decode(new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Command.decode(new byte[] {99})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Command.decode(new byte[] {Command.PUT, 0, 0, 0, 9}))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] valid = new Command.Delete(Bytes.utf8("k")).encode();
        byte[] trailing = java.util.Arrays.copyOf(valid, valid.length + 1);
        assertThatThrownBy(() -> Command.decode(trailing)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSessionWriteWrapsOnlyAClientsWriteAndTheLogHoldsNoSnapshotEvents() {
        SessionSequence at = new SessionSequence(1, 1, 1);
        assertThatThrownBy(() -> new Command.SessionWrite(at, new Command.Register("a", "h", "")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Command.SessionWrite(at, new Command.SessionWrite(at,
                new Command.Delete(Bytes.utf8("k"))))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SessionSequence(1, 2, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SessionSequence(0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        byte[] remembered = new Command.Remembered(1, 1, new Outcome(5, Outcome.Status.WRITTEN, 0)).encode();
        assertThat(Command.decode(remembered)).isInstanceOf(Command.Remembered.class);
        assertThatThrownBy(() -> Command.decodeEntry(remembered)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSessionWriteAppliesItsWriteAndRemembersTheResult() {
        KvStore store = new KvStore();
        store.apply(1, new Command.Put(Bytes.utf8("k"), Bytes.utf8("x")));
        Outcome cas = store.apply(2, new Command.SessionWrite(new SessionSequence(9, 1, 1),
                new Command.Cas(Bytes.utf8("k"), Bytes.utf8("other"), Bytes.utf8("y"))));
        assertThat(cas).isEqualTo(new Outcome(2, Outcome.Status.NOT_SWAPPED, 0));
        assertThat(store.remembered(9, 1)).contains(cas);
        assertThat(store.remembered(9, 2)).isEmpty();
        assertThat(store.remembered(8, 1)).isEmpty();
    }

    @Test
    void resultsAreComputedWhenApplied() {
        KvStore store = new KvStore();
        assertThat(store.apply(1, new Command.Cas(Bytes.utf8("k"), Bytes.utf8("x"), Bytes.utf8("y"))).status())
                .isEqualTo(Outcome.Status.NOT_SWAPPED);
        store.apply(2, new Command.Put(Bytes.utf8("k"), Bytes.utf8("x")));
        assertThat(store.apply(3, new Command.Cas(Bytes.utf8("k"), Bytes.utf8("x"), Bytes.utf8("y"))).status())
                .isEqualTo(Outcome.Status.SWAPPED);
        assertThat(store.apply(4, new Command.Incr(Bytes.utf8("n"))).number()).isEqualTo(1);
        assertThat(store.apply(5, new Command.Incr(Bytes.utf8("k"))).status()).isEqualTo(Outcome.Status.NOT_A_NUMBER);
        store.apply(6, new Command.Put(Bytes.utf8("max"), Bytes.utf8(Long.toString(Long.MAX_VALUE))));
        assertThat(store.apply(7, new Command.Incr(Bytes.utf8("max"))).status())
                .isEqualTo(Outcome.Status.NOT_A_NUMBER);
        assertThat(store.apply(8, new Command.Delete(Bytes.utf8("k"))).status()).isEqualTo(Outcome.Status.DELETED);
        assertThat(store.apply(9, new Command.Delete(Bytes.utf8("k"))).status()).isEqualTo(Outcome.Status.ABSENT);
    }

    @Test
    void jsonRoundTripsAndRefusesGarbage() {
        String text = Json.write(java.util.Map.of("a", java.util.List.of(1L, "x\"<y>", true)));
        assertThat(Json.parse(text)).isEqualTo(java.util.Map.of("a", java.util.List.of(1L, "x\"<y>", true)));
        assertThatThrownBy(() -> Json.parse("{\"a\":")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Json.parse("[".repeat(100))).isInstanceOf(IllegalArgumentException.class);
    }
}
