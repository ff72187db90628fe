package io.github.rwrouting.test;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A MariaDB GTID position: per replication domain, the GTID {@code domain-server-sequence} of the last
 * transaction, e.g. {@code 0-1-7,1-2-3}. One position includes another when it is at least as far in each of the
 * other's domains; sequence numbers grow within a domain whichever server wrote the transaction.
 */
final class GtidPosition {

    private final Map<Long, long[]> lastByDomain; // domain -> {server id, sequence}

    private GtidPosition(Map<Long, long[]> lastByDomain) {
        this.lastByDomain = lastByDomain;
    }

    /**
     * @param text a position as MariaDB prints it ({@code @@gtid_binlog_pos}, {@code @@last_gtid}), possibly empty
     * @throws IllegalArgumentException when it is not one
     */
    static GtidPosition parse(String text) {
        Map<Long, long[]> positions = new TreeMap<>();
        if (text == null) {
            throw new IllegalArgumentException("No GTID position");
        }
        for (String part : text.split(",")) {
            String gtid = part.strip();
            if (gtid.isEmpty()) {
                continue;
            }
            String[] fields = gtid.split("-");
            try {
                if (fields.length != 3) {
                    throw new NumberFormatException();
                }
                long domain = Long.parseUnsignedLong(fields[0]);
                long[] serverAndSequence = {Long.parseUnsignedLong(fields[1]), Long.parseUnsignedLong(fields[2])};
                long[] previous = positions.put(domain, serverAndSequence);
                if (previous != null) {
                    throw new IllegalArgumentException("Domain " + domain + " twice in GTID position " + text);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Not a GTID (domain-server-sequence) in position " + text + ": "
                        + gtid, e);
            }
        }
        return new GtidPosition(Collections.unmodifiableMap(positions));
    }

    boolean isEmpty() {
        return lastByDomain.isEmpty();
    }

    boolean includes(GtidPosition other) {
        for (Map.Entry<Long, long[]> entry : other.lastByDomain.entrySet()) {
            long[] mine = lastByDomain.get(entry.getKey());
            if (mine == null || Long.compareUnsigned(mine[1], entry.getValue()[1]) < 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return lastByDomain.entrySet().stream()
                .map(entry -> entry.getKey() + "-" + Long.toUnsignedString(entry.getValue()[0]) + "-"
                        + Long.toUnsignedString(entry.getValue()[1]))
                .collect(Collectors.joining(","));
    }
}
