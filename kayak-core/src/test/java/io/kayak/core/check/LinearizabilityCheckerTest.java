package io.kayak.core.check;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.kayak.core.check.Command.cas;
import static io.kayak.core.check.Command.delete;
import static io.kayak.core.check.Command.read;
import static io.kayak.core.check.Command.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Hand-made histories, each small enough to verify by eye, covering the model and the search's corner cases. */
@DisplayName("Linearizability checker")
class LinearizabilityCheckerTest {

    /** Times: each operation is {@code [invoke, complete]} on a shared clock, so overlaps are visible at a glance. */
    private static Operation ok(int process, Command command, long from, long to, Response response) {
        return Operation.ok(process, command, from, to, response);
    }

    private static Result check(Operation... operations) {
        return LinearizabilityChecker.check(History.of(java.util.List.of(operations)));
    }

    private static void assertLinearizable(Result result) {
        assertThat(result.verdict()).as(result.describe()).isEqualTo(Verdict.LINEARIZABLE);
    }

    private static void assertBroken(Result result, String key) {
        assertThat(result.verdict()).as(result.describe()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(result.brokenKeys()).containsExactly(key);
        assertThat(result.counterexample()).get().extracting(Counterexample::key).isEqualTo(key);
    }

    @Test
    void anEmptyHistoryIsLinearizable() {
        assertLinearizable(check());
    }

    @Test
    void aSequentialHistoryIsLinearizable() {
        History.Builder h = History.builder();
        h.ok(h.invoke(1, read("x")), Response.read(null));
        h.ok(h.invoke(1, write("x", "a")), Response.written());
        h.ok(h.invoke(2, read("x")), Response.read("a"));
        h.ok(h.invoke(2, cas("x", "a", "b")), Response.cas(true));
        h.ok(h.invoke(1, cas("x", "a", "c")), Response.cas(false));
        h.ok(h.invoke(1, read("x")), Response.read("b"));
        h.ok(h.invoke(2, delete("x")), Response.deleted(true));
        h.ok(h.invoke(2, delete("x")), Response.deleted(false));
        h.ok(h.invoke(1, read("x")), Response.read(null));
        assertLinearizable(LinearizabilityChecker.check(h.build()));
    }

    @Test
    void aSequentialHistoryWithAWrongAnswerIsNot() {
        History.Builder h = History.builder();
        h.ok(h.invoke(1, write("x", "a")), Response.written());
        h.ok(h.invoke(1, read("x")), Response.read("b"));
        assertBroken(LinearizabilityChecker.check(h.build()), "x");
    }

    @Test
    void concurrentWritesMayTakeEffectInEitherOrder() {
        // Both writes overlap; the reads after both see either value, but not one then the other and back.
        assertLinearizable(check(
                ok(1, write("x", "a"), 0, 10, Response.written()),
                ok(2, write("x", "b"), 1, 9, Response.written()),
                ok(3, read("x"), 11, 12, Response.read("a"))));
        assertLinearizable(check(
                ok(1, write("x", "a"), 0, 10, Response.written()),
                ok(2, write("x", "b"), 1, 9, Response.written()),
                ok(3, read("x"), 11, 12, Response.read("b"))));
        assertBroken(check(
                ok(1, write("x", "a"), 0, 10, Response.written()),
                ok(2, write("x", "b"), 1, 9, Response.written()),
                ok(3, read("x"), 11, 12, Response.read("b")),
                ok(3, read("x"), 13, 14, Response.read("a"))), "x");
    }

    @Test
    void aReadConcurrentWithAWriteMaySeeTheOldOrTheNewValue() {
        Operation before = ok(1, write("x", "old"), 0, 1, Response.written());
        Operation overlapping = ok(1, write("x", "new"), 2, 10, Response.written());
        assertLinearizable(check(before, overlapping, ok(2, read("x"), 3, 4, Response.read("old"))));
        assertLinearizable(check(before, overlapping, ok(2, read("x"), 3, 4, Response.read("new"))));
        // Once one read saw the new value, a later read (in real time) must not go back.
        assertBroken(check(before, overlapping,
                ok(2, read("x"), 3, 4, Response.read("new")),
                ok(3, read("x"), 5, 6, Response.read("old"))), "x");
    }

    @Test
    void operationsTouchingAtOneInstantAreConcurrent() {
        assertLinearizable(check(
                ok(1, write("x", "a"), 0, 5, Response.written()),
                ok(2, read("x"), 5, 6, Response.read(null))));
    }

    @Test
    void aStaleReadIsNotLinearizable() {
        // The write completed before the read began, yet the read returns the value from before the write.
        Result result = check(
                ok(1, write("x", "old"), 0, 1, Response.written()),
                ok(1, write("x", "new"), 2, 3, Response.written()),
                ok(2, read("x"), 4, 5, Response.read("old")));
        assertBroken(result, "x");
        Counterexample counterexample = result.counterexample().orElseThrow();
        assertThat(counterexample.stuck()).isEqualTo(2);
        assertThat(counterexample.state()).isEqualTo("new");
        assertThat(counterexample.prefix()).containsExactly(0, 1);
        assertThat(counterexample.describe()).contains("read(x)", "the register would answer \"new\"");
    }

    @Test
    void aLostWriteIsNotLinearizable() {
        // "b" was acknowledged, but later reads keep returning the older "a".
        assertBroken(check(
                ok(1, write("x", "a"), 0, 1, Response.written()),
                ok(2, write("x", "b"), 2, 3, Response.written()),
                ok(1, read("x"), 4, 5, Response.read("a")),
                ok(3, read("x"), 6, 7, Response.read("a"))), "x");
    }

    @Test
    void compareAndSetSuccessesAndFailuresMustAgreeWithTheValue() {
        assertLinearizable(check(
                ok(1, write("x", "a"), 0, 1, Response.written()),
                ok(1, cas("x", "a", "b"), 2, 10, Response.cas(true)),
                ok(2, cas("x", "a", "c"), 3, 9, Response.cas(false)),
                ok(3, read("x"), 11, 12, Response.read("b"))));
        // Two CAS from the same expected value cannot both succeed.
        assertBroken(check(
                ok(1, write("x", "a"), 0, 1, Response.written()),
                ok(1, cas("x", "a", "b"), 2, 10, Response.cas(true)),
                ok(2, cas("x", "a", "c"), 3, 9, Response.cas(true))), "x");
        // A CAS cannot fail while the register certainly holds the expected value.
        assertBroken(check(
                ok(1, write("x", "a"), 0, 1, Response.written()),
                ok(2, cas("x", "a", "b"), 2, 3, Response.cas(false))), "x");
        // A CAS against an absent key fails.
        assertLinearizable(check(ok(1, cas("x", "a", "b"), 0, 1, Response.cas(false))));
        assertBroken(check(ok(1, cas("x", "a", "b"), 0, 1, Response.cas(true))), "x");
    }

    @Test
    void deleteRemovesTheValueAndReportsWhetherItWasThere() {
        assertLinearizable(check(
                ok(1, delete("x"), 0, 1, Response.deleted(false)),
                ok(1, write("x", "a"), 2, 3, Response.written()),
                ok(1, delete("x"), 4, 5, Response.deleted(true)),
                ok(1, read("x"), 6, 7, Response.read(null)),
                ok(1, cas("x", "a", "b"), 8, 9, Response.cas(false))));
        assertBroken(check(
                ok(1, write("x", "a"), 0, 1, Response.written()),
                ok(1, delete("x"), 2, 3, Response.deleted(false))), "x");
        assertBroken(check(
                ok(1, write("x", "a"), 0, 1, Response.written()),
                ok(1, delete("x"), 2, 3, Response.deleted(true)),
                ok(2, read("x"), 4, 5, Response.read("a"))), "x");
        // Two concurrent deletes of a present key: exactly one finds it.
        assertLinearizable(check(
                ok(1, write("x", "a"), 0, 1, Response.written()),
                ok(1, delete("x"), 2, 5, Response.deleted(true)),
                ok(2, delete("x"), 3, 4, Response.deleted(false))));
        assertBroken(check(
                ok(1, write("x", "a"), 0, 1, Response.written()),
                ok(1, delete("x"), 2, 5, Response.deleted(true)),
                ok(2, delete("x"), 3, 4, Response.deleted(true))), "x");
    }

    @Test
    void anUnknownWriteMayTakeEffectLongAfterItsClientGaveUp() {
        History.Builder h = History.builder();
        h.ok(h.invoke(1, write("x", "a")), Response.written());
        h.unknown(h.invoke(2, write("x", "b")));
        h.ok(h.invoke(1, read("x")), Response.read("a"));
        h.ok(h.invoke(3, read("x")), Response.read("a"));
        // Only now does the timed-out write show up: it stayed concurrent with everything after its invocation.
        h.ok(h.invoke(1, read("x")), Response.read("b"));
        h.ok(h.invoke(3, read("x")), Response.read("b"));
        assertLinearizable(LinearizabilityChecker.check(h.build()));
    }

    @Test
    void anUnknownWriteMayNeverTakeEffect() {
        History.Builder h = History.builder();
        h.ok(h.invoke(1, write("x", "a")), Response.written());
        h.unknown(h.invoke(2, write("x", "b")));
        h.ok(h.invoke(1, read("x")), Response.read("a"));
        h.invoke(3, cas("x", "a", "c")); // never completes: the history ends with it pending
        h.ok(h.invoke(1, read("x")), Response.read("a"));
        assertLinearizable(LinearizabilityChecker.check(h.build()));
    }

    @Test
    void anUnknownWriteTakesEffectAtMostOnce() {
        History.Builder h = History.builder();
        h.ok(h.invoke(1, write("x", "a")), Response.written());
        h.unknown(h.invoke(2, write("x", "b")));
        h.ok(h.invoke(1, read("x")), Response.read("b"));
        h.ok(h.invoke(1, write("x", "c")), Response.written());
        h.ok(h.invoke(1, read("x")), Response.read("b"));
        assertBroken(LinearizabilityChecker.check(h.build()), "x");
    }

    @Test
    void anUnknownWriteCannotTakeEffectBeforeItsInvocation() {
        History.Builder h = History.builder();
        h.ok(h.invoke(1, read("x")), Response.read("b"));
        h.unknown(h.invoke(2, write("x", "b")));
        assertBroken(LinearizabilityChecker.check(h.build()), "x");
    }

    @Test
    void aFailedWriteWhoseValueAppearsIsNotLinearizable() {
        History.Builder h = History.builder();
        h.ok(h.invoke(1, write("x", "a")), Response.written());
        h.fail(h.invoke(2, write("x", "b")));
        h.ok(h.invoke(1, read("x")), Response.read("b"));
        Result result = LinearizabilityChecker.check(h.build());
        assertBroken(result, "x");
        assertThat(result.keys().get(0).operations()).as("the failed write is not searched").isEqualTo(2);
    }

    @Test
    void onlyTheBrokenKeyIsReported() {
        History.Builder h = History.builder();
        int wx = h.invoke(1, write("x", "1"));
        int wy = h.invoke(2, write("y", "1"));
        int wz = h.invoke(3, write("z", "1"));
        h.ok(wx, Response.written()).ok(wy, Response.written()).ok(wz, Response.written());
        h.ok(h.invoke(1, write("y", "2")), Response.written());
        h.ok(h.invoke(2, read("x")), Response.read("1"));
        h.ok(h.invoke(3, read("y")), Response.read("1")); // stale: y was 2 before this read began
        h.ok(h.invoke(1, read("z")), Response.read("1"));
        Result result = LinearizabilityChecker.check(h.build());
        assertBroken(result, "y");
        assertThat(result.keys()).extracting(KeyResult::key, KeyResult::verdict).containsExactly(
                org.assertj.core.groups.Tuple.tuple("x", Verdict.LINEARIZABLE),
                org.assertj.core.groups.Tuple.tuple("y", Verdict.NOT_LINEARIZABLE),
                org.assertj.core.groups.Tuple.tuple("z", Verdict.LINEARIZABLE));
        assertThat(result.describe()).contains("broken keys: [y]", "key y is not linearizable");
    }

    @Test
    void anExhaustedBudgetIsReportedAsUnknownNeverAsAPass() {
        History.Builder h = History.builder();
        // Each value written twice: the linear-time zone check only takes unique values, so the search must run.
        for (int i = 0; i < 20; i++) {
            h.ok(h.invoke(1, write("x", "v" + i % 10)), Response.written());
        }
        Result result = LinearizabilityChecker.check(h.build(), 5);
        assertThat(result.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(result.isLinearizable()).isFalse();
        assertThat(result.gaveUp()).isTrue();
        assertThat(result.undecidedKeys()).containsExactly("x");
        assertThat(result.describe()).contains("budget exhausted");
        assertLinearizable(LinearizabilityChecker.check(h.build()));
    }

    @Test
    void aBrokenKeyOutweighsAnUndecidedOne() {
        History.Builder h = History.builder();
        for (int i = 0; i < 20; i++) {
            h.ok(h.invoke(1, write("a", "v" + i % 10)), Response.written());
        }
        h.ok(h.invoke(1, read("b")), Response.read("never written"));
        Result result = LinearizabilityChecker.check(h.build(), 5);
        assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(result.gaveUp()).isTrue();
        assertThat(result.brokenKeys()).containsExactly("b");
    }

    @Test
    void theBuilderRejectsMalformedHistories() {
        History.Builder h = History.builder();
        int id = h.invoke(1, write("x", "a"));
        assertThatThrownBy(() -> h.invoke(1, read("x"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> h.ok(id, Response.read("a"))).isInstanceOf(IllegalArgumentException.class);
        assertThat(h.isPending(id)).isTrue();
        h.ok(id, Response.written());
        assertThatThrownBy(() -> h.ok(id, Response.written())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> h.invokeAt(0, 2, read("x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Command.cas("x", null, "b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Operation.ok(1, read("x"), 5, 4, Response.read(null)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
