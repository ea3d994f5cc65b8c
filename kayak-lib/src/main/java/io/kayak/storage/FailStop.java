package io.kayak.storage;

import io.kayak.StorageFailedException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The fail-stop switch of one store. The first I/O error trips it for good: after a failed write or {@code fsync}
 * the state of the file is unknown (Linux may have dropped the dirty pages and will report success on the next
 * {@code fsync}), so the only safe answer is to stop acknowledging anything and let an operator intervene.
 */
final class FailStop {
    private final List<Consumer<StorageFailedException>> listeners = new CopyOnWriteArrayList<>();
    private volatile StorageFailedException failure;

    void addListener(Consumer<StorageFailedException> listener) {
        listeners.add(listener);
    }

    boolean failed() {
        return failure != null;
    }

    StorageFailedException failure() {
        return failure;
    }

    /** Throws the recorded failure, if any. */
    void check() {
        StorageFailedException f = failure;
        if (f != null) {
            throw new StorageFailedException(f.file(), "an earlier I/O error stopped the store", f);
        }
    }

    /** Trips the switch (the first failure wins) and returns the exception for the caller to throw. */
    StorageFailedException fail(Path file, String what, IOException cause) {
        StorageFailedException f;
        boolean first;
        synchronized (this) {
            first = failure == null;
            if (first) {
                failure = new StorageFailedException(file, what, cause);
            }
            f = failure;
        }
        if (first) {
            for (Consumer<StorageFailedException> listener : listeners) {
                listener.accept(f);
            }
            return f;
        }
        return new StorageFailedException(file, what + " after an earlier failure", f);
    }
}
