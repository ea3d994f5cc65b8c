package io.kayak.runtime;

import io.kayak.KayakException;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Blocking waits on futures for the host's blocking calls, with one translation of what can go wrong: a failure
 * surfaces as the {@link KayakException} it was (or one wrapping its cause), an interrupt as a
 * {@link KayakException} with the thread's interrupt flag set again, and a timeout as an empty result for the caller
 * to turn into its own error.
 */
final class Waits {
    private Waits() {
    }

    /**
     * Waits up to {@code timeout} for {@code future}; empty when it did not complete in time.
     *
     * @param doing what the caller does, for the message of an interrupt ("joining")
     * @throws KayakException when the future failed, or the thread was interrupted
     */
    static <T> Optional<T> await(CompletableFuture<T> future, Duration timeout, String doing) {
        try {
            return Optional.ofNullable(future.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KayakException("interrupted while " + doing);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof KayakException known ? known
                    : new KayakException(doing + " failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * Waits up to {@code timeout} for {@code future}, whatever its outcome: returns its value, or empty when it failed,
     * did not complete in time, or the thread was interrupted (whose flag is set again).
     */
    static <T> Optional<T> awaitQuietly(CompletableFuture<T> future, Duration timeout) {
        try {
            return Optional.ofNullable(future.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException | TimeoutException | java.util.concurrent.CancellationException e) {
            return Optional.empty();
        }
    }
}
