package io.kayak.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.kayak.core.Entry;
import io.kayak.core.EntryKind;
import io.kayak.core.Message;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Random messages survive the wire unchanged, and no byte sequence — random, truncated or corrupted — makes the
 * decoder throw anything but a {@link ProtocolException}.
 */
class MessageCodecPropertiesTest {

    @Property(tries = 500)
    void everyValidMessageRoundTrips(@ForAll("messages") Message message) throws ProtocolException {
        assertThat(MessageCodec.decode(MessageCodec.encode(message).toByteArray())).isEqualTo(message);
    }

    @Property(tries = 2000)
    void randomBytesNeverThrowAnythingButProtocolException(@ForAll @Size(max = 256) byte[] bytes) {
        assertDecodesOrRejects(bytes);
    }

    @Property(tries = 300)
    void everyTruncationOfAValidFrameDecodesOrIsRejected(@ForAll("messages") Message message) {
        byte[] bytes = MessageCodec.encode(message).toByteArray();
        for (int length = 0; length < bytes.length; length++) {
            assertDecodesOrRejects(java.util.Arrays.copyOf(bytes, length));
        }
    }

    @Property(tries = 1000)
    void corruptedFramesDecodeOrAreRejected(@ForAll("messages") Message message,
                                            @ForAll @IntRange(min = 0, max = 10_000) int position,
                                            @ForAll byte xor) {
        byte[] bytes = MessageCodec.encode(message).toByteArray();
        if (bytes.length > 0) {
            bytes[position % bytes.length] ^= xor;
        }
        assertDecodesOrRejects(bytes);
    }

    /** Either a message that itself re-encodes to something decodable, or a typed refusal; never a crash. */
    private static void assertDecodesOrRejects(byte[] bytes) {
        Message decoded;
        try {
            decoded = MessageCodec.decode(bytes);
        } catch (ProtocolException expected) {
            return;
        }
        try {
            assertThat(MessageCodec.decode(MessageCodec.encode(decoded).toByteArray())).isEqualTo(decoded);
        } catch (ProtocolException e) {
            throw new AssertionError("a decoded message must re-encode validly: " + decoded, e);
        }
    }

    @Provide
    Arbitrary<Message> messages() {
        Arbitrary<String> ids = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(6);
        Arbitrary<Long> counts = Arbitraries.oneOf(Arbitraries.longs().between(0, 1000),
                Arbitraries.longs().between(0, Long.MAX_VALUE));
        Arbitrary<Long> anyLong = Arbitraries.longs();
        Arbitrary<Boolean> bools = Arbitraries.of(true, false);
        return Arbitraries.oneOf(
                Combinators.combine(ids, ids, counts, bools, counts, counts, bools)
                        .as(Message.VoteRequest::new),
                Combinators.combine(ids, ids, counts, bools, bools).as(Message.VoteResponse::new),
                Combinators.combine(ids, ids, counts, bools, counts, counts, counts, counts)
                        .as(Message.AppendResponse::new),
                Combinators.combine(ids, ids, counts, counts, counts).as(Message.Heartbeat::new),
                Combinators.combine(ids, ids, counts, counts).as(Message.HeartbeatResponse::new),
                Combinators.combine(ids, ids, counts).as(Message.TimeoutNow::new),
                Combinators.combine(ids, ids, counts, anyLong).as(Message.ReadIndexRequest::new),
                Combinators.combine(ids, ids, counts, anyLong, Arbitraries.longs().between(-1, Long.MAX_VALUE))
                        .as(Message.ReadIndexResponse::new),
                appendRequests(ids));
    }

    private static Arbitrary<Message> appendRequests(Arbitrary<String> ids) {
        Arbitrary<Long> prevIndexes = Arbitraries.longs().between(0, 1_000_000);
        Arbitrary<Long> prevTerms = Arbitraries.longs().between(0, 50);
        Arbitrary<List<Integer>> termSteps = Arbitraries.integers().between(0, 2).list().ofMaxSize(8);
        Arbitrary<List<EntryKind>> kinds = Arbitraries.of(EntryKind.class).list().ofSize(8);
        Arbitrary<List<byte[]>> payloads = Arbitraries.bytes().array(byte[].class).ofMaxSize(40).list().ofSize(8);
        Arbitrary<Long> extraTerm = Arbitraries.longs().between(0, 3);
        return Combinators.combine(ids, ids, prevIndexes, prevTerms, termSteps, kinds, payloads, extraTerm)
                .as((from, to, prevIndex, prevTerm, steps, kindList, payloadList, extra) -> {
                    // Terms never decrease, start at prevTerm (at least 1) and stay within the leader's term.
                    List<Entry> entries = new ArrayList<>();
                    long term = Math.max(1, prevTerm);
                    for (int i = 0; i < steps.size(); i++) {
                        term += steps.get(i);
                        entries.add(new Entry(prevIndex + 1 + i, term, kindList.get(i), payloadList.get(i)));
                    }
                    long leaderTerm = Math.max(term, prevTerm) + extra;
                    return new Message.AppendRequest(from, to, leaderTerm, prevIndex, prevTerm, entries,
                            Math.max(0, prevIndex - 3));
                });
    }
}
