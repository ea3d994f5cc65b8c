package io.kayak.core.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Draws a seeded schedule of faults for the fault phase of a {@link Simulation}: crashes (losing unsynced writes)
 * and restarts, long pauses, symmetric and one-way partitions, an isolated leader, flapping links, lossy,
 * duplicating and slow (reordering) networks. Faults overlap freely; all of them end when the simulation heals.
 */
final class FaultSchedule {
    private final Simulation sim;
    private final Random random;

    FaultSchedule(Simulation sim) {
        this.sim = sim;
        this.random = new Random(sim.random.nextLong());
    }

    void scheduleUntil(long endMillis) {
        long t = 100 + random.nextInt(400);
        while (t < endMillis) {
            long at = t;
            sim.schedule(at, null, this::inject);
            t += 50 + random.nextInt(700);
        }
    }

    private SimNode randomNode() {
        List<SimNode> all = new ArrayList<>(sim.nodes.values());
        return all.get(random.nextInt(all.size()));
    }

    /** The current leader half of the time (faults that hit the leader are the interesting ones). */
    private SimNode victim() {
        SimNode leader = sim.currentLeader();
        return leader != null && random.nextBoolean() ? leader : randomNode();
    }

    private long duration(int min, int max) {
        return min + random.nextInt(max - min + 1);
    }

    private void inject() {
        switch (random.nextInt(11)) {
            case 0:
            case 1: crash(); break;
            case 10: armCrash(); break;
            case 2: pause(); break;
            case 3: partition(); break;
            case 4: isolateLeader(); break;
            case 5: oneWay(); break;
            case 6: flap(); break;
            case 7: lossy(); break;
            case 8: duplicating(); break;
            default: slow(); break;
        }
    }

    private void crash() {
        SimNode chosen = victim();
        // A third of the crashes hit a member while it waits for a sync: what it wrote but did not sync is lost.
        if (random.nextInt(3) == 0) {
            List<SimNode> syncing = new ArrayList<>();
            for (SimNode n : sim.nodes.values()) {
                if (n.alive && n.syncScheduled) {
                    syncing.add(n);
                }
            }
            if (!syncing.isEmpty()) {
                chosen = syncing.get(random.nextInt(syncing.size()));
            }
        }
        SimNode node = chosen;
        long down = duration(20, 2_000);
        sim.note("crash", node.id + " for " + down + " ms");
        sim.crash(node);
        sim.schedule(down, null, () -> sim.restart(node));
    }

    private void armCrash() {
        SimNode node = randomNode();
        node.crashAfterNextSend = true;
    }

    private void pause() {
        SimNode node = victim();
        long millis = duration(100, 3_000);
        sim.note("pause", node.id + " for " + millis + " ms");
        sim.pause(node, millis);
    }

    private void partition() {
        List<String> ids = new ArrayList<>(sim.nodes.keySet());
        Collections.shuffle(ids, random);
        int cut = 1 + random.nextInt(ids.size() - 1);
        List<String> left = ids.subList(0, cut);
        List<String> right = ids.subList(cut, ids.size());
        long millis = duration(100, 3_000);
        sim.note("partition", left + " | " + right + " for " + millis + " ms");
        cut(left, right, true, millis);
    }

    private void isolateLeader() {
        SimNode leader = sim.currentLeader();
        if (leader == null) {
            return;
        }
        List<String> others = new ArrayList<>(sim.nodes.keySet());
        others.remove(leader.id);
        long millis = duration(100, 3_000);
        sim.note("isolate-leader", leader.id + " for " + millis + " ms");
        cut(List.of(leader.id), others, true, millis);
    }

    private void oneWay() {
        List<String> ids = new ArrayList<>(sim.nodes.keySet());
        Collections.shuffle(ids, random);
        String from = ids.get(0);
        List<String> to = ids.subList(1, 1 + random.nextInt(ids.size() - 1));
        long millis = duration(100, 3_000);
        sim.note("one-way", from + " -/-> " + to + " for " + millis + " ms");
        cut(List.of(from), new ArrayList<>(to), false, millis);
    }

    private void cut(List<String> a, List<String> b, boolean symmetric, long millis) {
        List<String> left = List.copyOf(a);
        List<String> right = List.copyOf(b);
        for (String x : left) {
            for (String y : right) {
                sim.network.block(x, y);
                if (symmetric) {
                    sim.network.block(y, x);
                }
            }
        }
        sim.schedule(millis, null, () -> {
            if (!sim.faultPhase()) {
                return; // healing cleared every link; the links may belong to a later cut by now
            }
            for (String x : left) {
                for (String y : right) {
                    sim.network.unblock(x, y);
                    if (symmetric) {
                        sim.network.unblock(y, x);
                    }
                }
            }
        });
    }

    private void flap() {
        List<String> ids = new ArrayList<>(sim.nodes.keySet());
        Collections.shuffle(ids, random);
        String x = ids.get(0);
        String y = ids.get(1);
        long period = duration(20, 150);
        int flips = 4 + random.nextInt(20);
        sim.note("flap", x + " <-> " + y + " every " + period + " ms, " + flips + " times");
        for (int i = 0; i < flips; i++) {
            boolean down = i % 2 == 0;
            sim.schedule(period * i, null, () -> {
                if (!sim.faultPhase()) {
                    return; // a flap that outlasts the fault phase stops with it
                }
                if (down) {
                    sim.network.block(x, y);
                    sim.network.block(y, x);
                } else {
                    sim.network.unblock(x, y);
                    sim.network.unblock(y, x);
                }
            });
        }
        sim.schedule(period * flips, null, () -> {
            if (sim.faultPhase()) {
                sim.network.unblock(x, y);
                sim.network.unblock(y, x);
            }
        });
    }

    private void lossy() {
        double rate = 0.05 + random.nextDouble() * 0.3;
        long millis = duration(200, 2_000);
        sim.note("lossy", String.format("%.0f%% for %d ms", rate * 100, millis));
        sim.network.dropRate = rate;
        sim.schedule(millis, null, () -> sim.network.dropRate = 0);
    }

    private void duplicating() {
        double rate = 0.05 + random.nextDouble() * 0.3;
        long millis = duration(200, 2_000);
        sim.note("duplicate", String.format("%.0f%% for %d ms", rate * 100, millis));
        sim.network.duplicateRate = rate;
        sim.schedule(millis, null, () -> sim.network.duplicateRate = 0);
    }

    private void slow() {
        int max = 20 + random.nextInt(200);
        long millis = duration(200, 2_000);
        sim.note("delay", "1-" + max + " ms for " + millis + " ms (reordering)");
        sim.network.maxDelay = max;
        sim.schedule(millis, null, () -> sim.network.maxDelay = 4);
    }
}
