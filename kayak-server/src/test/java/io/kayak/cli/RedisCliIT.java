package io.kayak.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The unmodified {@code redis-cli} and {@code redis-benchmark} against a member (skipped where not installed). */
class RedisCliIT {
    private LocalCluster cluster;
    private ServerProcess member;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Processes.onPath("redis-cli"), "redis-cli is not installed");
        cluster = new LocalCluster(Processes.serverClasspath());
        member = cluster.start("a", List.of());
    }

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private String redisCli(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p",
                Integer.toString(member.resp().port())));
        command.addAll(List.of(args));
        Processes.Result r = Processes.run(command, 60);
        assertThat(r.exitCode()).as(r.output()).isZero();
        return r.output().trim();
    }

    @Test
    void redisCliCommands() throws Exception {
        assertThat(redisCli("PING")).isEqualTo("PONG");
        assertThat(redisCli("SET", "greeting", "hello")).isEqualTo("OK");
        assertThat(redisCli("GET", "greeting")).isEqualTo("hello");
        assertThat(redisCli("EXISTS", "greeting")).isEqualTo("1");
        assertThat(redisCli("INCR", "visits")).isEqualTo("1");
        assertThat(redisCli("INCR", "visits")).isEqualTo("2");
        assertThat(redisCli("CAS", "greeting", "hello", "bye")).isEqualTo("1");
        assertThat(redisCli("CAS", "greeting", "hello", "again")).isEqualTo("0");
        assertThat(redisCli("GET", "greeting")).isEqualTo("bye");
        assertThat(redisCli("DEL", "greeting")).isEqualTo("1");
        assertThat(redisCli("GET", "greeting")).isEmpty();
        assertThat(redisCli("INCR", "visits", "extra")).contains("wrong number of arguments");
    }

    @Test
    void redisBenchmarkRuns() throws Exception {
        assumeTrue(Processes.onPath("redis-benchmark"), "redis-benchmark is not installed");
        Processes.Result r = Processes.run(List.of("redis-benchmark", "-h", "127.0.0.1", "-p",
                Integer.toString(member.resp().port()), "-t", "set,get", "-n", "2000", "-c", "10", "-q"), 120);
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("SET:").contains("GET:").doesNotContain("ERR");
    }
}
