package io.kayak.chaos;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Injects faults on a seeded schedule: pick a fault from the mix, apply it, hold it a few seconds, undo it, rest a
 * little, repeat until the deadline. One fault at a time, so every fault's effect on the history is attributable.
 * Membership changes are the exception: they are not undone, the cluster oscillates between its start size and one
 * more.
 */
final class Nemesis implements Runnable {
    private final ChaosCluster cluster;
    private final List<Fault> mix;
    private final Random random;
    private final long deadlineNanos;
    private final int baseSize;
    private final Recorder recorder;
    private final StaleReadProbe probe;
    private final Map<Fault, Integer> injected = new EnumMap<>(Fault.class);
    private final List<String> errors = new ArrayList<>();
    private volatile boolean stop;

    Nemesis(ChaosCluster cluster, List<Fault> mix, long seed, long deadlineNanos, int baseSize, Recorder recorder,
            StaleReadProbe probe) {
        this.probe = probe;
        this.cluster = cluster;
        this.mix = List.copyOf(mix);
        this.random = new Random(seed);
        this.deadlineNanos = deadlineNanos;
        this.baseSize = baseSize;
        this.recorder = recorder;
    }

    void stop() {
        stop = true;
    }

    synchronized Map<Fault, Integer> injected() {
        return new EnumMap<>(injected);
    }

    synchronized List<String> errors() {
        return List.copyOf(errors);
    }

    @Override
    public void run() {
        sleep(1_000 + random.nextInt(2_000));
        while (!stop && System.nanoTime() < deadlineNanos) {
            Fault fault = mix.get(random.nextInt(mix.size()));
            try {
                if (inject(fault)) {
                    synchronized (this) {
                        injected.merge(fault, 1, Integer::sum);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                synchronized (this) {
                    errors.add(fault + ": " + e);
                }
                recorder.event("fault " + fault + " failed: " + e);
            } finally {
                try {
                    cluster.healAll();
                } catch (Exception e) {
                    synchronized (this) {
                        errors.add("heal after " + fault + ": " + e);
                    }
                }
            }
            sleep(500 + random.nextInt(1_500));
        }
    }

    /** Applies and undoes one fault; returns whether it was applicable. */
    private boolean inject(Fault fault) throws Exception {
        List<String> members = cluster.responsive();
        Optional<String> leader = cluster.leader();
        switch (fault) {
            case KILL, KILL_LEADER -> {
                String victim = fault == Fault.KILL_LEADER ? leader.orElse(null) : pick(members);
                if (victim == null) {
                    return false;
                }
                event("kill -9 " + victim);
                cluster.kill(victim);
                hold();
                event("restart " + victim);
                cluster.restart(victim);
            }
            case PAUSE, PAUSE_LEADER -> {
                String victim = fault == Fault.PAUSE_LEADER ? leader.orElse(null) : pick(members);
                if (victim == null) {
                    return false;
                }
                event("SIGSTOP " + victim);
                cluster.pause(victim);
                if (fault == Fault.PAUSE_LEADER) {
                    awaitNewLeader(victim);
                }
                hold();
                if (fault == Fault.PAUSE_LEADER) {
                    event("stale-read probe at " + victim);
                    probe.fire(victim);
                }
                event("SIGCONT " + victim);
                cluster.resume(victim);
            }
            case PARTITION_HALVES -> {
                List<String> shuffled = shuffled(cluster.active());
                int minority = Math.max(1, (shuffled.size() - 1) / 2);
                partition(shuffled.subList(0, minority), shuffled.subList(minority, shuffled.size()));
            }
            case ISOLATE_LEADER -> {
                if (leader.isEmpty()) {
                    return false;
                }
                List<String> rest = new ArrayList<>(cluster.active());
                rest.remove(leader.get());
                event("partition " + List.of(leader.get()) + " | " + rest);
                cluster.network().partition(List.of(leader.get()), rest);
                awaitNewLeader(leader.get());
                hold();
                event("views before healing " + cluster.views());
                event("stale-read probe at " + leader.get());
                probe.fire(leader.get());
                event("heal partition");
            }
            case BRIDGE -> {
                List<String> shuffled = shuffled(cluster.active());
                if (shuffled.size() < 3) {
                    return false;
                }
                String bridge = shuffled.get(0);
                List<String> others = shuffled.subList(1, shuffled.size());
                int half = others.size() / 2;
                event("bridge " + bridge + " between " + others.subList(0, half) + " and "
                        + others.subList(half, others.size()));
                partition(others.subList(0, half), others.subList(half, others.size()));
            }
            case DELAY -> {
                String victim = random.nextBoolean() && leader.isPresent() ? leader.get() : pick(members);
                if (victim == null) {
                    return false;
                }
                long millis = 20 + random.nextInt(200);
                event("delay " + millis + "ms into " + victim);
                cluster.network().delay(victim, millis);
                hold();
                event("heal delay");
            }
            case MEMBERSHIP -> {
                if (cluster.active().size() <= baseSize) {
                    String id = cluster.addMember();
                    event("added " + id);
                } else {
                    List<String> candidates = cluster.responsive();
                    String victim = random.nextInt(3) == 0 && leader.isPresent() ? leader.get() : pick(candidates);
                    if (victim == null) {
                        return false;
                    }
                    ChaosCluster.Removal removal = cluster.removeMember(victim);
                    event((removal.confirmed() ? "removed " : "removal not confirmed: ") + victim + " ("
                            + removal.attempts() + " request(s), last " + removal.last() + ")");
                    return removal.confirmed();
                }
            }
        }
        return true;
    }

    private void partition(List<String> a, List<String> b) throws InterruptedException {
        event("partition " + a + " | " + b);
        cluster.network().partition(a, b);
        hold();
        event("views before healing " + cluster.views());
        event("heal partition");
    }

    private void hold() throws InterruptedException {
        Thread.sleep(1_500 + random.nextInt(3_500));
    }

    /**
     * Waits (at most 15 s) until a member other than {@code old} leads, and logs it: evidence that the fault really
     * cut the old leader off, and the moment from which a stale read by the old leader would be a bug.
     */
    private void awaitNewLeader(String old) throws InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline) {
            Optional<String> now = cluster.leaderExcept(old);
            if (now.isPresent()) {
                event("new leader " + now.get() + " while " + old + " is cut off");
                return;
            }
            Thread.sleep(100);
        }
        event("no new leader within 15s while " + old + " is cut off");
    }

    private String pick(List<String> members) {
        return members.isEmpty() ? null : members.get(random.nextInt(members.size()));
    }

    private List<String> shuffled(List<String> members) {
        List<String> copy = new ArrayList<>(members);
        Collections.shuffle(copy, random);
        return copy;
    }

    private void event(String text) {
        recorder.event(text);
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop = true;
        }
    }
}
