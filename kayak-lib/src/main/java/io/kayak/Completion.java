package io.kayak;

/**
 * Which thread completes the futures of {@link Log#append} and {@link Sync#barrier}, and so runs the callbacks an
 * application chains to them without an executor ({@code thenAccept}, {@code whenComplete}, ...). Set with
 * {@link HostOptions.Builder#completion}.
 */
public enum Completion {
    /**
     * A thread of the host's own completes the futures (the default). A callback may take its time or block; the
     * member's consensus and network never wait for it.
     */
    DISPATCH_THREAD,

    /**
     * The member's event loop completes the futures, right after the turn that decided them. That saves waking the
     * dispatch thread for each completion and, when a callback appends the next entry, waking the event loop for it:
     * two thread wake-ups per write for an application that writes one entry at a time, each tens of microseconds
     * on a virtual machine. In exchange, callbacks run on the thread that also runs this member's Raft and network: they must
     * be short and must never block (no {@code join()}, no I/O, no lock held by another thread). A blocking call
     * into the host itself ({@link Host#close}, {@link Log#compact}) from that thread is refused
     * with {@link IllegalStateException}, and a callback batch that holds the loop for longer than a heartbeat
     * interval is logged as a warning. Futures that fail by timeout still complete on the host's timer thread.
     */
    EVENT_LOOP
}
