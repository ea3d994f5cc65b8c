package io.kayak.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kayak demo} itself, as a user runs it: it must pass every check and exit 0. */
class DemoIT {
    @Test
    void theDemoPassesEveryCheck() throws Exception {
        Processes.Result demo = Processes.run(Processes.kayak("demo", "--keys", "100"), 240);
        assertThat(demo.exitCode()).as(demo.output()).isZero();
        assertThat(demo.output()).contains("new leader:").containsPattern("All \\d+ checks passed");
    }
}
