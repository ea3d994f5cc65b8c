package io.kayak.core;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The on-log encoding of configurations: lossless, and never mistaking corrupt bytes for a configuration. */
@DisplayName("ConfigurationCodec")
class ConfigurationCodecTest {
    private static final Configuration SIMPLE = QuorumTest.simple("a", "b", "c");
    private static final Configuration JOINT_WITH_LEARNER = Configuration.of(Set.of("b", "c", "d"),
            Set.of("a", "b", "c"), Set.of("l"), Map.of("a", "a:1", "b", "b:1", "c", "c:1", "d", "d:1",
                    "l", "ünïcode:1"));

    @Test
    @DisplayName("decode(encode(c)) equals c, for simple, joint (members in both halves) and learner sets")
    void roundTrip() {
        for (Configuration config : new Configuration[]{SIMPLE, JOINT_WITH_LEARNER}) {
            Configuration decoded = ConfigurationCodec.decode(ConfigurationCodec.encode(config));
            assertThat(decoded).isEqualTo(config);
            assertThat(decoded.voters()).isEqualTo(config.voters());
            assertThat(decoded.outgoing()).isEqualTo(config.outgoing());
            assertThat(decoded.learners()).isEqualTo(config.learners());
            assertThat(decoded.addresses()).isEqualTo(config.addresses());
        }
    }

    @Test
    @DisplayName("every truncation of a valid encoding is rejected")
    void truncatedInputRejected() {
        byte[] full = ConfigurationCodec.encode(JOINT_WITH_LEARNER);
        for (int length = 0; length < full.length; length++) {
            byte[] prefix = Arrays.copyOf(full, length);
            assertThatThrownBy(() -> ConfigurationCodec.decode(prefix)).as("prefix of %d bytes", length)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    @DisplayName("wrong version, unknown role, trailing bytes and impossible lengths are rejected")
    void garbageRejected() {
        byte[] good = ConfigurationCodec.encode(SIMPLE);

        byte[] version = good.clone();
        version[0] = 9;
        byte[] role = good.clone();
        role[5] = 7;                       // first member's role byte: after version (1) and count (4)
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        byte[] hugeCount = good.clone();
        hugeCount[1] = 0x7f;
        byte[] negativeLength = good.clone();
        negativeLength[6] = (byte) 0x80;   // first member's id length, top byte

        for (byte[] bad : new byte[][]{version, role, trailing, hugeCount, negativeLength}) {
            assertThatThrownBy(() -> ConfigurationCodec.decode(bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    @DisplayName("random bytes and random corruptions never decode with an unexpected exception")
    void randomGarbageOnlyEverIllegalArgument() {
        Random random = new Random(20240601L);
        byte[] good = ConfigurationCodec.encode(JOINT_WITH_LEARNER);
        for (int i = 0; i < 5_000; i++) {
            byte[] bytes;
            if (i % 2 == 0) {
                bytes = new byte[random.nextInt(64)];
                random.nextBytes(bytes);
            } else {
                bytes = good.clone();
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            Throwable thrown = catchThrowable(() -> ConfigurationCodec.decode(bytes));
            assertThat(thrown).as("input %s", Arrays.toString(bytes))
                    .satisfiesAnyOf(t -> assertThat(t).isNull(),
                            t -> assertThat(t).isInstanceOf(IllegalArgumentException.class));
        }
    }
}
