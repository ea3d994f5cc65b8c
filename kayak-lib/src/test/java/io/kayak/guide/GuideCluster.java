package io.kayak.guide;

import io.kayak.Host;
import io.kayak.HostOptions;
import io.kayak.HostStatus;
import io.kayak.Kayak;

import java.nio.file.Path;
import java.util.List;

/** How the guide starts, restarts and watches members over TCP on one machine. */
public final class GuideCluster {
    private GuideCluster() {
    }

    /** Starts three members, each on a port the system picks and with its own data directory under {@code dirs}. */
    public static List<Host> startThree(Path dirs) {
        Host a = Kayak.start(options("a", dirs));                         // seeds a cluster of one, and leads it
        Host b = Kayak.join(options("b", dirs), List.of(a.address()));    // joins through any member
        Host c = Kayak.join(options("c", dirs), List.of(a.address(), b.address()));
        return List.of(a, b, c);
    }

    /** Options for a new member {@code id}. */
    public static HostOptions options(String id, Path dirs) {
        return HostOptions.builder()
                .id(id)                         // optional: without it, the first start picks one
                .listen("127.0.0.1:0")          // port 0: the system picks a free port, host.address() tells it
                .dataDir(dirs.resolve(id))      // the log, snapshots and the member's identity live here
                .build();
    }

    /**
     * Stops a member and starts it again on its data directory: it resumes with the same id, log and place in the
     * cluster. It listens on the address it had, since that is the address its peers know.
     */
    public static Host restart(Host member, Path dirs) {
        String address = member.address();
        member.close();
        return Kayak.start(HostOptions.builder().listen(address).dataDir(dirs.resolve(member.id())).build());
    }

    /** One line for a log or a dashboard: what the member does, and how far its application has got. */
    public static String describe(Host host) {
        HostStatus s = host.status();
        return s.id() + " " + s.role() + " term " + s.term() + " leader " + s.leaderId()
                + " committed " + s.commitIndex() + " acked " + s.ackedIndex() + " snapshot " + s.snapshotIndex();
    }
}
