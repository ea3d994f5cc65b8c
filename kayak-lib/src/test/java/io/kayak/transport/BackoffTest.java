package io.kayak.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void delaysDoubleWithinTheUpperHalfOfEachStepUpToTheMaximum() {
        Backoff backoff = new Backoff(50, 2000, new SplittableRandom(7));
        long[] steps = {50, 100, 200, 400, 800, 1600, 2000, 2000, 2000};
        for (long step : steps) {
            assertThat(backoff.nextDelayMillis()).isBetween(step - step / 2, step);
        }
    }

    @Test
    void resetStartsOverFromTheMinimum() {
        Backoff backoff = new Backoff(50, 2000, new SplittableRandom(7));
        for (int i = 0; i < 10; i++) {
            backoff.nextDelayMillis();
        }
        backoff.reset();
        assertThat(backoff.nextDelayMillis()).isBetween(25L, 50L);
    }

    @Test
    void jitterSpreadsTheDelays() {
        Backoff a = new Backoff(1000, 1000, new SplittableRandom(1));
        long first = a.nextDelayMillis();
        boolean differs = false;
        for (int i = 0; i < 20 && !differs; i++) {
            differs = a.nextDelayMillis() != first;
        }
        assertThat(differs).isTrue();
    }

    @Test
    void rejectsInvertedBounds() {
        assertThatThrownBy(() -> new Backoff(100, 50, new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
