package io.github.rwrouting.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class PortsTest {

    @Test
    void freePortsAreDistinctAndOutsideTheEphemeralRange() throws Exception {
        List<Integer> ports = Ports.free(20);

        assertThat(ports).hasSize(20).doesNotHaveDuplicates().allMatch(port -> port > 0 && port < 65536);
        assertThat(ports).noneMatch(Ports::accepting);
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        if (Files.isReadable(range)) {
            int ephemeralStart = Integer.parseInt(Files.readAllLines(range).get(0).strip().split("\\s+")[0]);
            assertThat(ports).allMatch(port -> port < ephemeralStart);
        }
    }
}
