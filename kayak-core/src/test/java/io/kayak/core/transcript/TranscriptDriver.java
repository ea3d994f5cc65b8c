package io.kayak.core.transcript;

import io.kayak.core.Configuration;
import io.kayak.core.Entry;
import io.kayak.core.HardState;
import io.kayak.core.IndexedConfiguration;
import io.kayak.core.Message;
import io.kayak.core.Message.InstallSnapshot;
import io.kayak.core.RaftException;
import io.kayak.core.RaftNode;
import io.kayak.core.RaftOptions;
import io.kayak.core.ReadState;
import io.kayak.core.Ready;
import io.kayak.core.Role;
import io.kayak.core.SnapshotMetadata;
import io.kayak.core.sim.SimDisk;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Runs the commands of a transcript against real {@link RaftNode}s: members on {@link SimDisk}s, a network that
 * delivers only when told to, and a driver that performs every {@link Ready} at once and prints it.
 *
 * <p>The driver's duties for a Ready follow {@link Ready}'s javadoc: send {@code messages()}, install a received
 * snapshot, hand a requested snapshot to the network as an {@link InstallSnapshot} (as if it had been streamed),
 * write entries and hard state, apply committed entries, then sync and send {@code messagesAfterPersist()} and
 * report {@link RaftNode#persisted}. A member with a {@code slow-disk} writes but does not sync until told to.
 * Nothing happens unless a command says so: no clock, no background delivery, so every transcript is
 * deterministic.
 *
 * <p>The commands are listed in {@code src/test/resources/transcripts/README.md}.
 */
final class TranscriptDriver {
    /** Upper bound on deliveries in one command, so a livelock fails the transcript instead of hanging it. */
    private static final int MAX_DELIVERIES = 10_000;

    /** Loses every unsynced write on a crash (the disk keeps exactly what was synced). */
    private static final Random LOSE_UNSYNCED = new Random(0) {
        private static final long serialVersionUID = 1L;

        @Override
        public int nextInt(int bound) {
            return 0;
        }
    };

    /** A thrown command error that names what is wrong with the transcript itself (not with the core). */
    static final class BadCommand extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadCommand(String message) {
            super(message);
        }
    }

    private static final class Member {
        final String id;
        final SimDisk disk;
        final RaftOptions options;
        RaftNode node;
        boolean slowDisk;
        final List<Ready> unsynced = new ArrayList<>();

        Member(String id, SimDisk disk, RaftOptions options) {
            this.id = id;
            this.disk = disk;
            this.options = options;
            start();
        }

        void start() {
            long applied = Math.max(0, disk.firstIndex() - 1);
            RaftOptions.Builder b = RaftOptions.builder(id).seed(options.seed())
                    .electionTicks(options.electionTicks()).heartbeatTicks(options.heartbeatTicks())
                    .preVote(options.preVote()).checkQuorum(options.checkQuorum())
                    .maxInflightMessages(options.maxInflightMessages()).maxInflightBytes(options.maxInflightBytes())
                    .maxAppendBytes(options.maxAppendBytes()).conflictHints(options.conflictHints())
                    .applied(applied);
            node = new RaftNode(b.build(), disk, disk.hardState());
        }
    }

    /** What a command prints: lines with indentation, and a quiet mode that keeps only events. */
    private static final class Out {
        final List<String> lines = new ArrayList<>();
        boolean quiet;
        int depth;
        String header;
        String tag = "";

        /** Protocol detail: messages, writes, applies. Left out in quiet mode. */
        void detail(String s) {
            if (!quiet) {
                emit(s);
            }
        }

        /** A change of role, leader or term, or a read's outcome: printed in quiet mode too. */
        void event(String s) {
            if (quiet) {
                lines.add(tag + s);
            } else {
                emit(s);
            }
        }

        void line(String s) {
            lines.add(s);
        }

        private void emit(String s) {
            if (header != null) {
                lines.add(header);
                header = null;
            }
            lines.add("  ".repeat(depth) + s);
        }

        void beginRound(String label) {
            header = label;
            tag = label == null ? "" : label + " ";
            depth = label == null ? 0 : 1;
        }

        void endRound() {
            header = null;
            tag = "";
            depth = 0;
        }
    }

    private final Map<String, Member> members = new LinkedHashMap<>();
    private final Deque<Message> inFlight = new ArrayDeque<>();
    /** Member to group while partitioned; members of different groups (or not named) cannot talk. */
    private Map<String, Integer> partition;
    private long nextReadId = 1;
    private Out out = new Out();

    /** Runs one command and returns its output lines ({@code ok} when it printed nothing). */
    List<String> run(TranscriptFile.Case c) {
        List<String> args = new ArrayList<>(Arrays.asList(c.command().strip().split("\\s+")));
        out = new Out();
        if (args.size() > 1 && args.get(args.size() - 1).equals("quiet")) {
            out.quiet = true;
            args.remove(args.size() - 1);
        }
        String command = args.remove(0);
        List<String> input = c.input().stream().map(String::strip).toList();
        if (!command.equals("cluster") && !input.isEmpty()) {
            throw new BadCommand(command + " takes no input lines");
        }
        if (!command.equals("cluster") && members.isEmpty()) {
            throw new BadCommand("the first command must be `cluster`");
        }
        try {
            dispatch(command, args, input);
        } catch (RaftException e) {
            out.line("refused: " + e.getMessage());
        } catch (IllegalStateException e) {
            out.line("error: " + e.getMessage());
        }
        return out.lines.isEmpty() ? List.of("ok") : List.copyOf(out.lines);
    }

    private void dispatch(String command, List<String> args, List<String> input) {
        switch (command) {
            case "cluster" -> cluster(args, input);
            case "start" -> start(args);
            case "campaign" -> {
                Member m = live(one(args));
                m.node.campaign();
                process(m);
            }
            case "propose" -> propose(args);
            case "tick" -> tick(args);
            case "deliver" -> deliver(args);
            case "stabilize" -> {
                noArgs(command, args);
                stabilize();
            }
            case "drop" -> drop(args);
            case "in-flight" -> {
                Predicate<Message> filter = filter(args);
                for (Message m : inFlight) {
                    if (filter.test(m)) {
                        out.line(Render.message(m));
                    }
                }
                if (out.lines.isEmpty()) {
                    out.line("no messages in flight");
                }
            }
            case "partition" -> partition(args);
            case "isolate" -> isolate(one(args));
            case "heal" -> {
                noArgs(command, args);
                partition = null;
            }
            case "crash" -> crash(live(one(args)));
            case "restart" -> restart(one(args));
            case "slow-disk" -> live(one(args)).slowDisk = true;
            case "sync" -> sync(live(one(args)));
            case "read-index" -> readIndex(live(one(args)));
            case "transfer" -> {
                if (args.size() != 2) {
                    throw new BadCommand("usage: transfer LEADER TARGET");
                }
                Member m = live(args.get(0));
                m.node.transferLeadership(args.get(1));
                process(m);
            }
            case "conf-change", "add-learner", "promote", "remove" -> confChange(command, args);
            case "compact" -> compact(args);
            case "status" -> forEach(args, m -> out.line(status(m)));
            case "logs" -> logs(args);
            case "log" -> log(member(one(args)));
            case "config" -> forEach(args, this::config);
            case "progress" -> progress(live(one(args)));
            default -> throw new BadCommand("unknown command " + command);
        }
    }

    // ---------------------------------------------------------------- building

    /**
     * {@code cluster 1 2 3 [option=value...]}, or {@code cluster [options]} followed by one input line per member,
     * {@code id: terms... [term=T] [vote=V] [commit=C]}, the terms of its log from index 1 as in the paper's
     * figures (index 1 is always the bootstrap configuration entry of term 1).
     */
    private void cluster(List<String> args, List<String> input) {
        if (!members.isEmpty()) {
            throw new BadCommand("the cluster exists already");
        }
        Map<String, String> options = new LinkedHashMap<>();
        List<String> ids = new ArrayList<>();
        for (String a : args) {
            if (a.contains("=")) {
                options.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
            } else {
                ids.add(a);
            }
        }
        Map<String, long[]> logs = new LinkedHashMap<>();
        Map<String, Map<String, String>> perMember = new HashMap<>();
        if (input.isEmpty()) {
            for (String id : ids) {
                logs.put(id, new long[] {1});
            }
        } else {
            if (!ids.isEmpty()) {
                throw new BadCommand("name the members either on the command line or one per input line");
            }
            for (String line : input) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    throw new BadCommand("a member line is `id: terms... [term=T] [vote=V] [commit=C]`: " + line);
                }
                String id = line.substring(0, colon).strip();
                List<Long> terms = new ArrayList<>();
                Map<String, String> own = new HashMap<>();
                for (String t : line.substring(colon + 1).strip().split("\\s+")) {
                    if (t.contains("=")) {
                        own.put(t.substring(0, t.indexOf('=')), t.substring(t.indexOf('=') + 1));
                    } else {
                        terms.add(Long.parseLong(t));
                    }
                }
                if (terms.isEmpty() || terms.get(0) != 1) {
                    throw new BadCommand(id + ": a log starts with the bootstrap entry of term 1");
                }
                for (int i = 1; i < terms.size(); i++) {
                    if (terms.get(i) < terms.get(i - 1)) {
                        throw new BadCommand(id + ": terms in a log never decrease");
                    }
                }
                logs.put(id, terms.stream().mapToLong(Long::longValue).toArray());
                perMember.put(id, own);
            }
        }
        if (logs.isEmpty()) {
            throw new BadCommand("a cluster needs members");
        }
        Set<String> learners = new TreeSet<>(list(options.remove("learners")));
        for (String l : learners) {
            logs.putIfAbsent(l, new long[] {1});
        }
        long maxTerm = 1;
        for (long[] terms : logs.values()) {
            maxTerm = Math.max(maxTerm, terms[terms.length - 1]);
        }
        long term = Long.parseLong(options.getOrDefault("term", String.valueOf(maxTerm)));
        long commit = Long.parseLong(options.getOrDefault("commit", "1"));
        options.remove("term");
        options.remove("commit");
        RaftOptions.Builder template = RaftOptions.builder("template");
        for (Map.Entry<String, String> o : options.entrySet()) {
            String v = o.getValue();
            switch (o.getKey()) {
                case "pre-vote" -> template.preVote(onOff(v));
                case "check-quorum" -> template.checkQuorum(onOff(v));
                case "election-ticks" -> template.electionTicks(Integer.parseInt(v));
                case "heartbeat-ticks" -> template.heartbeatTicks(Integer.parseInt(v));
                case "max-append-bytes" -> template.maxAppendBytes(Long.parseLong(v));
                case "max-inflight" -> template.maxInflightMessages(Integer.parseInt(v));
                case "conflict-hints" -> template.conflictHints(onOff(v));
                default -> throw new BadCommand("unknown cluster option " + o.getKey());
            }
        }
        RaftOptions base = template.build();

        Map<String, String> addresses = new LinkedHashMap<>();
        for (String id : logs.keySet()) {
            addresses.put(id, id + ":7000");
        }
        Set<String> voters = new TreeSet<>(logs.keySet());
        voters.removeAll(learners);
        Entry bootstrap = RaftNode.bootstrapEntry(Configuration.of(voters, Set.of(), learners, addresses));
        for (Map.Entry<String, long[]> e : logs.entrySet()) {
            String id = e.getKey();
            long[] terms = e.getValue();
            Map<String, String> own = perMember.getOrDefault(id, Map.of());
            long memberTerm = Long.parseLong(own.getOrDefault("term", String.valueOf(term)));
            if (memberTerm < terms[terms.length - 1]) {
                throw new BadCommand(id + "'s term is below the last term of its log");
            }
            long memberCommit = Math.min(terms.length, Long.parseLong(own.getOrDefault("commit",
                    String.valueOf(commit))));
            SimDisk disk = new SimDisk();
            List<Entry> entries = new ArrayList<>();
            entries.add(bootstrap);
            for (int i = 1; i < terms.length; i++) {
                entries.add(Entry.normal(i + 1, terms[i], new byte[0]));
            }
            disk.append(entries);
            disk.saveHardState(new HardState(memberTerm, own.get("vote"), memberCommit));
            disk.sync();
            members.put(id, new Member(id, disk, withId(base, id)));
        }
        Out quietly = out;
        out = new Out();
        out.quiet = true;
        for (Member m : members.values()) {
            process(m);
        }
        out = quietly;
        for (Member m : members.values()) {
            out.line(status(m));
        }
    }

    private static RaftOptions withId(RaftOptions base, String id) {
        return RaftOptions.builder(id).seed(id.hashCode()).electionTicks(base.electionTicks())
                .heartbeatTicks(base.heartbeatTicks()).preVote(base.preVote()).checkQuorum(base.checkQuorum())
                .maxInflightMessages(base.maxInflightMessages()).maxInflightBytes(base.maxInflightBytes())
                .maxAppendBytes(base.maxAppendBytes()).conflictHints(base.conflictHints()).build();
    }

    /** {@code start 4}: a new member with an empty disk; it knows no configuration and waits for a leader. */
    private void start(List<String> args) {
        String id = one(args);
        if (members.containsKey(id)) {
            throw new BadCommand(id + " exists already");
        }
        RaftOptions any = members.values().iterator().next().options;
        Member m = new Member(id, new SimDisk(), withId(any, id));
        members.put(id, m);
        process(m);
        out.line(status(m));
    }

    // ---------------------------------------------------------------- inputs

    private void propose(List<String> args) {
        if (args.size() < 2) {
            throw new BadCommand("usage: propose ID PAYLOAD...");
        }
        Member m = live(args.get(0));
        List<byte[]> payloads = new ArrayList<>();
        for (String p : args.subList(1, args.size())) {
            payloads.add(p.getBytes(StandardCharsets.UTF_8));
        }
        m.node.propose(payloads);
        process(m);
    }

    /** {@code tick IDS|all [xK] [stabilize]}: K rounds of one tick per member, delivering after each if asked. */
    private void tick(List<String> args) {
        int times = 1;
        boolean stabilize = false;
        List<String> ids = new ArrayList<>();
        for (String a : args) {
            if (a.matches("x\\d+")) {
                times = Integer.parseInt(a.substring(1));
            } else if (a.equals("stabilize")) {
                stabilize = true;
            } else {
                ids.add(a);
            }
        }
        if (ids.isEmpty()) {
            throw new BadCommand("usage: tick IDS|all [xK] [stabilize] [quiet]");
        }
        boolean all = ids.equals(List.of("all"));
        for (int k = 1; k <= times; k++) {
            out.beginRound(times > 1 ? "[tick " + k + "]" : null);
            for (Member m : all ? List.copyOf(members.values()) : ids.stream().map(this::live).toList()) {
                if (m.node == null) {
                    continue;
                }
                m.node.tick();
                process(m);
            }
            if (stabilize) {
                stabilize();
            }
            out.endRound();
        }
    }

    private void readIndex(Member m) {
        long id = nextReadId++;
        out.detail(m.id + ": read " + id + " requested");
        m.node.readIndex(id);
        process(m);
    }

    /**
     * {@code conf-change L voters=1,2,3 [learners=4]}: the leader proposes a configuration; when the voters change
     * it proposes the joint configuration (the new voters with the current ones outgoing) and leaves it by itself
     * once it commits. {@code add-learner L M}, {@code promote L M} and {@code remove L M} compute the new sets.
     */
    private void confChange(String command, List<String> args) {
        if (args.isEmpty()) {
            throw new BadCommand("usage: " + command + " LEADER ...");
        }
        Member m = live(args.get(0));
        Configuration current = m.node.configuration().configuration();
        Set<String> voters = new TreeSet<>(current.voters());
        Set<String> learners = new TreeSet<>(current.learners());
        Set<String> outgoing = null;
        if (command.equals("conf-change")) {
            Map<String, String> kv = keyValues(args.subList(1, args.size()));
            voters = new TreeSet<>(list(kv.remove("voters")));
            learners = new TreeSet<>(list(kv.remove("learners")));
            if (kv.containsKey("outgoing")) {
                outgoing = new TreeSet<>(list(kv.remove("outgoing")));
            }
            if (!kv.isEmpty()) {
                throw new BadCommand("unknown conf-change options " + kv.keySet());
            }
        } else {
            if (args.size() != 2) {
                throw new BadCommand("usage: " + command + " LEADER MEMBER");
            }
            String target = args.get(1);
            switch (command) {
                case "add-learner" -> learners.add(target);
                case "promote" -> {
                    learners.remove(target);
                    voters.add(target);
                }
                default -> {
                    learners.remove(target);
                    voters.remove(target);
                }
            }
        }
        if (outgoing == null) {
            outgoing = voters.equals(current.voters()) || current.isJoint() ? Set.of() : current.voters();
        }
        Map<String, String> addresses = new LinkedHashMap<>();
        Set<String> all = new TreeSet<>(voters);
        all.addAll(outgoing);
        all.addAll(learners);
        for (String id : all) {
            addresses.put(id, id + ":7000");
        }
        Configuration next = Configuration.of(voters, outgoing, learners, addresses);
        out.detail(m.id + ": propose " + Render.config(next));
        m.node.proposeConfiguration(next);
        process(m);
    }

    /** {@code compact N [INDEX]}: the application snapshots its state up to INDEX (default: all it applied). */
    private void compact(List<String> args) {
        if (args.isEmpty() || args.size() > 2) {
            throw new BadCommand("usage: compact ID [INDEX]");
        }
        Member m = live(args.get(0));
        long index = args.size() == 2 ? Long.parseLong(args.get(1)) : m.node.appliedIndex();
        if (index > m.node.appliedIndex()) {
            throw new BadCommand(m.id + " has applied only up to " + m.node.appliedIndex());
        }
        m.disk.compact(index);
        SnapshotMetadata s = latestSnapshot(m);
        out.line(m.id + ": snapshot " + s.index() + "@" + s.term() + " " + Render.config(s.configuration())
                + "; log starts at " + m.disk.firstIndex());
    }

    private void crash(Member m) {
        m.disk.crash(LOSE_UNSYNCED);
        m.node = null;
        m.unsynced.clear();
        m.slowDisk = false;
        HardState hs = m.disk.hardState();
        out.line(m.id + ": crashed; its disk keeps term=" + hs.term() + " vote=" + Render.orDash(hs.votedFor())
                + " commit=" + hs.commit() + " last=" + m.disk.lastIndex() + "@" + m.disk.term(m.disk.lastIndex()));
    }

    private void restart(String id) {
        Member m = member(id);
        if (m.node != null) {
            throw new BadCommand(id + " is running; crash it first");
        }
        m.start();
        out.line(status(m));
        process(m);
    }

    private void sync(Member m) {
        m.slowDisk = false;
        out.detail(m.id + ": sync");
        completeUnsynced(m, true);
        process(m);
    }

    // ---------------------------------------------------------------- the network

    private void deliver(List<String> args) {
        Predicate<Message> filter = filter(args);
        List<Message> chosen = new ArrayList<>();
        for (Iterator<Message> it = inFlight.iterator(); it.hasNext(); ) {
            Message m = it.next();
            if (filter.test(m)) {
                it.remove();
                chosen.add(m);
            }
        }
        for (Message m : chosen) {
            deliverOne(m);
        }
    }

    private void stabilize() {
        for (int n = 0; !inFlight.isEmpty(); n++) {
            if (n == MAX_DELIVERIES) {
                throw new IllegalStateException("no quiescence after " + MAX_DELIVERIES + " deliveries");
            }
            deliverOne(inFlight.pollFirst());
        }
    }

    private void drop(List<String> args) {
        Predicate<Message> filter = filter(args);
        for (Iterator<Message> it = inFlight.iterator(); it.hasNext(); ) {
            Message m = it.next();
            if (filter.test(m)) {
                it.remove();
                out.detail("dropped " + Render.message(m));
            }
        }
    }

    private void deliverOne(Message msg) {
        String lost = lostBecause(msg);
        if (lost != null) {
            out.detail(Render.message(msg) + "  [lost: " + lost + "]");
            return;
        }
        out.detail(Render.message(msg));
        Member to = members.get(msg.to());
        out.depth++;
        try {
            to.node.step(msg);
            process(to);
        } finally {
            out.depth--;
        }
    }

    private String lostBecause(Message m) {
        Member to = members.get(m.to());
        if (to == null) {
            return "no member " + m.to();
        }
        if (to.node == null) {
            return m.to() + " is down";
        }
        if (partition != null && !Objects.equals(group(m.from()), group(m.to()))) {
            return "partition";
        }
        return null;
    }

    private Object group(String id) {
        Integer g = partition.get(id);
        return g == null ? "alone:" + id : g;
    }

    private void partition(List<String> args) {
        Map<String, Integer> groups = new HashMap<>();
        int g = 0;
        for (String a : args) {
            if (a.equals("|")) {
                g++;
            } else {
                member(a);
                groups.put(a, g);
            }
        }
        if (g == 0) {
            throw new BadCommand("usage: partition 1 2 | 3 (members not named are alone)");
        }
        partition = groups;
    }

    private void isolate(String id) {
        member(id);
        Map<String, Integer> groups = new HashMap<>();
        for (String other : members.keySet()) {
            groups.put(other, other.equals(id) ? 1 : 0);
        }
        partition = groups;
    }

    /** {@code from=1,2 to=3 type=Append,AppendResp}: which messages a command means; none given, all of them. */
    private Predicate<Message> filter(List<String> args) {
        Predicate<Message> p = m -> true;
        for (Map.Entry<String, String> e : keyValues(args).entrySet()) {
            Set<String> values = new LinkedHashSet<>(list(e.getValue()));
            switch (e.getKey()) {
                case "from" -> p = p.and(m -> values.contains(m.from()));
                case "to" -> p = p.and(m -> values.contains(m.to()));
                case "type" -> {
                    Set<String> types = new LinkedHashSet<>();
                    values.forEach(v -> types.add(v.toLowerCase(Locale.ROOT)));
                    p = p.and(m -> types.contains(Render.type(m).toLowerCase(Locale.ROOT)));
                }
                default -> throw new BadCommand("unknown message filter " + e.getKey());
            }
        }
        return p;
    }

    // ---------------------------------------------------------------- the driver's duties

    private void send(List<Message> messages) {
        inFlight.addAll(messages);
    }

    /** Performs the member's Readies (see {@link Ready}) and prints each. */
    private void process(Member m) {
        while (m.node != null && m.node.hasReady()) {
            Ready rd = m.node.ready();
            String id = m.id + ": ";
            if (rd.softState() != null) {
                out.event(id + Render.softState(rd.softState()));
            }
            HardState hs = rd.hardState();
            if (hs != null) {
                out.detail(id + "hardstate term=" + hs.term() + " vote=" + Render.orDash(hs.votedFor())
                        + " commit=" + hs.commit());
            }
            send(rd.messages());
            if (rd.overwrites()) {
                // Earlier writes must be durable (and their acknowledgements sent) before entries replace them.
                completeUnsynced(m, m.slowDisk);
            }
            SnapshotMetadata snap = rd.snapshot();
            if (snap != null) {
                out.detail(id + "install snapshot " + snap.index() + "@" + snap.term() + " "
                        + Render.config(snap.configuration()));
                m.disk.installSnapshot(snap.index(), snap.term(), snap.configuration());
            }
            if (!rd.entries().isEmpty()) {
                long first = rd.entries().get(0).index();
                if (first <= m.disk.lastIndex()) {
                    out.detail(id + "truncate " + first + ".." + m.disk.lastIndex());
                }
                out.detail(id + "write " + Render.entries(rd.entries()));
                m.disk.append(rd.entries());
            }
            if (hs != null) {
                m.disk.saveHardState(hs);
            }
            for (Message msg : rd.messages()) {
                out.detail(id + "send " + Render.message(msg));
            }
            for (Ready.SnapshotRequest r : rd.snapshotsToSend()) {
                InstallSnapshot s = new InstallSnapshot(m.id, r.to(), r.term(), latestSnapshot(m));
                out.detail(id + "send " + Render.message(s));
                send(List.of(s));
            }
            if (!rd.committed().isEmpty()) {
                out.detail(id + "apply " + Render.entries(rd.committed()));
            }
            for (ReadState r : rd.reads()) {
                out.event(id + "read " + r.requestId() + " ready at index " + r.index());
            }
            for (long r : rd.failedReads()) {
                out.event(id + "read " + r + " failed");
            }
            for (Message msg : rd.messagesAfterPersist()) {
                out.detail(id + "send after sync " + Render.message(msg));
            }
            m.unsynced.add(rd);
            if (!m.slowDisk) {
                completeUnsynced(m, false);
            } else if (rd.mustPersist() || !rd.messagesAfterPersist().isEmpty()) {
                out.detail(id + "disk is slow: not synced yet");
            }
        }
    }

    /** Syncs the member's disk, sends what waited for it and reports durability to the node. */
    private void completeUnsynced(Member m, boolean print) {
        if (m.unsynced.isEmpty()) {
            return;
        }
        m.disk.sync();
        Entry last = null;
        for (Ready rd : m.unsynced) {
            send(rd.messagesAfterPersist());
            if (print) {
                for (Message msg : rd.messagesAfterPersist()) {
                    out.detail(m.id + ": send " + Render.message(msg));
                }
            }
            if (rd.lastEntry() != null) {
                last = rd.lastEntry();
            }
        }
        m.unsynced.clear();
        if (last != null) {
            m.node.persisted(last.index(), last.term());
            if (m.node.hasReady()) {
                // Durability made something possible (a commit, an apply): say why the next Ready comes.
                out.detail(m.id + ": durable through " + last.index() + "@" + last.term());
            }
        }
    }

    /** The snapshot a member holds: everything its log no longer holds, up to its first index. */
    private static SnapshotMetadata latestSnapshot(Member m) {
        long index = m.disk.firstIndex() - 1;
        IndexedConfiguration config = m.disk.configurationBefore(index + 1);
        return new SnapshotMetadata(index, m.disk.term(index), config.configuration());
    }

    // ---------------------------------------------------------------- observing

    private String status(Member m) {
        if (m.node == null) {
            return m.id + ": down";
        }
        RaftNode n = m.node;
        boolean learner = n.role() == Role.FOLLOWER && n.configuration().configuration().isLearner(m.id);
        StringBuilder sb = new StringBuilder(m.id).append(": ")
                .append(learner ? "learner" : Render.role(n.role())).append(" term=").append(n.term());
        if (n.role() != Role.LEADER) {
            sb.append(" leader=").append(Render.orDash(n.leader()));
        }
        sb.append(" vote=").append(Render.orDash(n.votedFor())).append(" last=").append(n.lastIndex())
                .append(" commit=").append(n.commitIndex());
        return sb.toString();
    }

    private void config(Member m) {
        if (m.node == null) {
            out.line(m.id + ": down");
            return;
        }
        IndexedConfiguration c = m.node.configuration();
        if (c.index() == 0) {
            out.line(m.id + ": no configuration yet");
            return;
        }
        out.line(m.id + ": " + Render.config(c.configuration()) + " at index " + c.index()
                + (c.index() <= m.node.commitIndex() ? " (committed)" : " (not committed)"));
    }

    private void progress(Member m) {
        Map<String, Long> matches = m.node.followerMatches();
        if (matches.isEmpty()) {
            out.line(m.id + ": not leader");
        }
        matches.forEach((peer, match) -> out.line(peer + ": match=" + match));
    }

    /**
     * The members' logs as the paper's figures draw them: one row per member, the term of each entry in the column
     * of its index, {@code _} for entries compacted into a snapshot; then the member's commit index.
     */
    private void logs(List<String> args) {
        List<Member> shown = args.isEmpty() ? List.copyOf(members.values()) : args.stream().map(this::member).toList();
        long maxLast = 0;
        int label = "index".length();
        for (Member m : shown) {
            maxLast = Math.max(maxLast, m.disk.lastIndex());
            label = Math.max(label, m.id.length() + 1);
        }
        List<String> header = new ArrayList<>();
        Map<Member, List<String>> rows = new LinkedHashMap<>();
        for (Member m : shown) {
            rows.put(m, new ArrayList<>());
        }
        for (long i = 1; i <= maxLast; i++) {
            String idx = String.valueOf(i);
            int width = idx.length();
            Map<Member, String> cells = new HashMap<>();
            for (Member m : shown) {
                String cell = i < m.disk.firstIndex() ? "_" : i <= m.disk.lastIndex()
                        ? String.valueOf(m.disk.term(i)) : "";
                cells.put(m, cell);
                width = Math.max(width, cell.length());
            }
            header.add(pad(idx, width));
            for (Member m : shown) {
                rows.get(m).add(pad(cells.get(m), width));
            }
        }
        String head = padRight("index", label) + " " + String.join(" ", header);
        out.line(head.stripTrailing());
        for (Member m : shown) {
            String row = padRight(m.id + ":", label) + " " + String.join(" ", rows.get(m));
            String suffix = m.node == null ? "down" : "commit=" + m.node.commitIndex();
            out.line(padRight(row, head.length()) + "   " + suffix);
        }
    }

    private static String pad(String s, int width) {
        return " ".repeat(Math.max(0, width - s.length())) + s;
    }

    private static String padRight(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }

    private void log(Member m) {
        if (m.disk.firstIndex() > 1) {
            SnapshotMetadata s = latestSnapshot(m);
            out.line("snapshot " + s.index() + "@" + s.term() + " " + Render.config(s.configuration()));
        }
        if (m.disk.lastIndex() >= m.disk.firstIndex()) {
            for (Entry e : m.disk.entries(m.disk.firstIndex(), m.disk.lastIndex() + 1, Long.MAX_VALUE)) {
                out.line(Render.entry(e));
            }
        } else if (m.disk.firstIndex() == 1) {
            out.line("empty");
        }
    }

    // ---------------------------------------------------------------- arguments

    private void forEach(List<String> ids, java.util.function.Consumer<Member> action) {
        if (ids.isEmpty()) {
            members.values().forEach(action);
        } else {
            ids.forEach(id -> action.accept(member(id)));
        }
    }

    private Member member(String id) {
        Member m = members.get(id);
        if (m == null) {
            throw new BadCommand("no member " + id + " in " + members.keySet());
        }
        return m;
    }

    private Member live(String id) {
        Member m = member(id);
        if (m.node == null) {
            throw new BadCommand(id + " is down");
        }
        return m;
    }

    private static String one(List<String> args) {
        if (args.size() != 1) {
            throw new BadCommand("expected one member id, got " + args);
        }
        return args.get(0);
    }

    private static void noArgs(String command, List<String> args) {
        if (!args.isEmpty()) {
            throw new BadCommand(command + " takes no arguments: " + args);
        }
    }

    private static Map<String, String> keyValues(List<String> args) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new BadCommand("expected key=value, got " + a);
            }
            kv.put(a.substring(0, eq), a.substring(eq + 1));
        }
        return kv;
    }

    private static List<String> list(String commaSeparated) {
        if (commaSeparated == null || commaSeparated.isEmpty() || commaSeparated.equals("-")) {
            return List.of();
        }
        return List.of(commaSeparated.split(","));
    }

    private static boolean onOff(String v) {
        return switch (v) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new BadCommand("expected on or off, got " + v);
        };
    }
}
