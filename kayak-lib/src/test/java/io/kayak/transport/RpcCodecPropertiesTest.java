package io.kayak.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Random requests and answers survive the wire unchanged, and no byte sequence — random, truncated or corrupted —
 * makes the decoder throw anything but a {@link ProtocolException}, nor yield an rpc that could not be re-sent.
 */
class RpcCodecPropertiesTest {

    @Property(tries = 500)
    void everyValidRpcRoundTrips(@ForAll("rpcs") Rpc rpc) throws ProtocolException {
        RpcCodecTest.assertSameRpc(RpcCodec.decode(RpcCodec.encode(rpc).toByteArray()), rpc);
    }

    @Property(tries = 2000)
    void randomBytesNeverThrowAnythingButProtocolException(@ForAll @Size(max = 256) byte[] bytes) {
        assertDecodesOrRejects(bytes);
    }

    @Property(tries = 300)
    void everyTruncationOfAValidFrameDecodesOrIsRejected(@ForAll("rpcs") Rpc rpc) {
        byte[] bytes = RpcCodec.encode(rpc).toByteArray();
        for (int length = 0; length < bytes.length; length++) {
            assertDecodesOrRejects(Arrays.copyOf(bytes, length));
        }
    }

    @Property(tries = 1000)
    void corruptedFramesDecodeOrAreRejected(@ForAll("rpcs") Rpc rpc,
                                            @ForAll @IntRange(min = 0, max = 10_000) int position,
                                            @ForAll byte xor) {
        byte[] bytes = RpcCodec.encode(rpc).toByteArray();
        if (bytes.length > 0) {
            bytes[position % bytes.length] ^= xor;
        }
        assertDecodesOrRejects(bytes);
    }

    /** Either an rpc that itself re-encodes to something decodable, or a typed refusal; never a crash. */
    private static void assertDecodesOrRejects(byte[] bytes) {
        Rpc decoded;
        try {
            decoded = RpcCodec.decode(bytes);
        } catch (ProtocolException expected) {
            return;
        }
        try {
            RpcCodecTest.assertSameRpc(RpcCodec.decode(RpcCodec.encode(decoded).toByteArray()), decoded);
        } catch (ProtocolException | IllegalArgumentException e) {
            throw new AssertionError("a decoded rpc must re-encode validly: " + decoded, e);
        }
    }

    @Provide
    Arbitrary<Rpc> rpcs() {
        Arbitrary<String> names = Arbitraries.strings().ofMinLength(1).ofMaxLength(20);
        Arbitrary<String> optionalNames = Arbitraries.oneOf(Arbitraries.just(""), names);
        Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
        Arbitrary<Long> counts = Arbitraries.longs().between(0, Long.MAX_VALUE);
        Arbitrary<Rpc> appends = Combinators.combine(Arbitraries.longs(), names, optionalNames, optionalNames, bytes)
                .as((id, replyTo, member, address, payload) ->
                        new Rpc.Request(id, replyTo, Rpc.Kind.APPEND, member, address, payload));
        Arbitrary<Rpc> joins = Combinators.combine(Arbitraries.longs(), names, names, names)
                .as((id, replyTo, member, address) -> new Rpc.Request(id, replyTo, Rpc.Kind.JOIN, member, address, null));
        Arbitrary<Rpc> removes = Combinators.combine(Arbitraries.longs(), names, names, optionalNames)
                .as((id, replyTo, member, address) ->
                        new Rpc.Request(id, replyTo, Rpc.Kind.REMOVE, member, address, null));
        Arbitrary<Rpc> responses = Combinators.combine(Arbitraries.longs(), Arbitraries.of(Rpc.Error.class),
                        Arbitraries.strings().ofMaxLength(40), optionalNames, counts, counts, bytes, optionalNames)
                .as(Rpc.Response::new);
        return Arbitraries.oneOf(appends, joins, removes, responses);
    }
}
