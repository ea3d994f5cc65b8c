package io.kayak.core;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The core's own UTF-8 agrees with the JDK's on every valid string and refuses what is not UTF-8. */
class Utf8Test {
    @Property(tries = 2000)
    void encodesLikeTheJdk(@ForAll String s) {
        boolean loneSurrogate = s.codePoints().anyMatch(cp -> cp >= Character.MIN_SURROGATE
                && cp <= Character.MAX_SURROGATE);
        if (loneSurrogate) {
            assertThatThrownBy(() -> Utf8.encode(s)).isInstanceOf(IllegalArgumentException.class);
            return;
        }
        byte[] ours = Utf8.encode(s);
        assertThat(ours).isEqualTo(s.getBytes(StandardCharsets.UTF_8));
        assertThat(Utf8.decode(ours, 0, ours.length)).isEqualTo(s);
    }

    @Test
    void handlesEveryLength() {
        String s = "a\u00e9\u20ac\ud83d\ude00";
        byte[] b = Utf8.encode(s);
        assertThat(b).hasSize(1 + 2 + 3 + 4);
        assertThat(Utf8.decode(b, 0, b.length)).isEqualTo(s);
    }

    @Test
    void refusesMalformedInput() {
        assertThatThrownBy(() -> Utf8.decode(new byte[] {(byte) 0xC0, (byte) 0x80}, 0, 2))
                .hasMessageContaining("invalid"); // overlong NUL
        assertThatThrownBy(() -> Utf8.decode(new byte[] {(byte) 0xE2, (byte) 0x82}, 0, 2))
                .hasMessageContaining("malformed"); // truncated
        assertThatThrownBy(() -> Utf8.decode(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, 0, 3))
                .hasMessageContaining("invalid"); // a surrogate
        assertThatThrownBy(() -> Utf8.decode(new byte[] {(byte) 0xFF}, 0, 1)).hasMessageContaining("malformed");
    }
}
