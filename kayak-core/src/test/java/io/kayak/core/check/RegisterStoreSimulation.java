package io.kayak.core.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates histories that are linearizable by construction: concurrent clients of an in-memory store whose every
 * operation takes effect atomically at one random instant between its invocation and its completion.
 *
 * <p>Each tick advances one random client by one phase — invoke, take effect, complete — so delays between the
 * phases, and thereby the overlaps, are random. Some operations fail before taking effect; some end unknown, either
 * after taking effect (the reply was lost) or before (the request lingers and may take effect any time later, or
 * never). The histories end with one sequential read of every key, so each has reads to corrupt. One seed always
 * gives the same history.
 */
public final class RegisterStoreSimulation {
    private final Random random;
    private final int clients;
    private final int keys;
    private final int operations;
    private final double failRate;
    private final double unknownRate;

    private enum Phase { IDLE, INVOKED, APPLIED }

    private static final class Client {
        int process;
        Phase phase = Phase.IDLE;
        int id;
        Command command;
        Response response;
    }

    /** A request whose client gave up before it took effect. */
    private record Lingering(Command command) {
    }

    /**
     * @param seed        the randomness
     * @param clients     concurrent clients (at most this many operations in flight, plus lingering ones)
     * @param keys        distinct keys
     * @param operations  operations to invoke, before the final reads
     * @param failRate    probability that an operation fails instead of taking effect
     * @param unknownRate probability, at each of the two chances, that an operation ends unknown
     */
    public RegisterStoreSimulation(long seed, int clients, int keys, int operations, double failRate,
                                   double unknownRate) {
        this.random = new Random(seed);
        this.clients = clients;
        this.keys = keys;
        this.operations = operations;
        this.failRate = failRate;
        this.unknownRate = unknownRate;
    }

    public History run() {
        History.Builder history = History.builder();
        Map<String, String> store = new HashMap<>();
        List<Client> all = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Client client = new Client();
            client.process = i;
            all.add(client);
        }
        int nextProcess = clients;
        List<Lingering> lingering = new ArrayList<>();
        int invoked = 0;
        while (invoked < operations || all.stream().anyMatch(c -> c.phase != Phase.IDLE)) {
            if (!lingering.isEmpty() && random.nextInt(10) == 0) {
                Lingering late = lingering.remove(random.nextInt(lingering.size()));
                if (random.nextBoolean()) {
                    apply(store, late.command());
                }
                continue;
            }
            Client client = all.get(random.nextInt(all.size()));
            switch (client.phase) {
                case IDLE -> {
                    if (invoked < operations) {
                        client.command = randomCommand();
                        client.id = history.invoke(client.process, client.command);
                        client.phase = Phase.INVOKED;
                        invoked++;
                    }
                }
                case INVOKED -> {
                    double roll = random.nextDouble();
                    if (roll < failRate) {
                        history.fail(client.id);
                        client.phase = Phase.IDLE;
                    } else if (roll < failRate + unknownRate) {
                        history.unknown(client.id);
                        lingering.add(new Lingering(client.command));
                        // Like Jepsen, a client that lost track of a request carries on as a new process.
                        client.process = nextProcess++;
                        client.phase = Phase.IDLE;
                    } else {
                        client.response = apply(store, client.command);
                        client.phase = Phase.APPLIED;
                    }
                }
                case APPLIED -> {
                    if (random.nextDouble() < unknownRate) {
                        history.unknown(client.id);
                        client.process = nextProcess++;
                    } else {
                        history.ok(client.id, client.response);
                    }
                    client.phase = Phase.IDLE;
                }
            }
        }
        // Lingering requests still outstanding never take effect; the final reads see the settled store.
        for (int k = 0; k < keys; k++) {
            String key = key(k);
            history.ok(history.invoke(0, Command.read(key)), Response.read(store.get(key)));
        }
        return history.build();
    }

    private static Response apply(Map<String, String> store, Command command) {
        RegisterModel.Step step = RegisterModel.apply(store.get(command.key()), command);
        if (step.state() == null) {
            store.remove(command.key());
        } else {
            store.put(command.key(), step.state());
        }
        return step.response();
    }

    private Command randomCommand() {
        String key = key(random.nextInt(keys));
        // A small value domain makes compare-and-sets succeed often and values repeat, as in real workloads.
        int kind = random.nextInt(10);
        if (kind < 4) {
            return Command.read(key);
        } else if (kind < 7) {
            return Command.write(key, value());
        } else if (kind < 9) {
            return Command.cas(key, value(), value());
        }
        return Command.delete(key);
    }

    private String value() {
        return "v" + random.nextInt(5);
    }

    private static String key(int k) {
        return "k" + k;
    }
}
