package dev.brink.edge.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.client.service.EventQuery;
import dev.brink.client.service.EventStream;
import dev.brink.client.service.HubServiceClient;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Follows the hub's events stream of one module from the start, on its own thread, and keeps the {@code seq}
 * property of every event per {@code run}, in arrival order — what the assertions on loss, order and duplicates
 * read.
 */
final class EventTally implements AutoCloseable {
    private final Map<String, List<Integer>> byRun = new ConcurrentHashMap<>();
    private final EventStream stream;
    private final Thread reader;
    private final Map<String, Long> firstArrival = new ConcurrentHashMap<>();
    private final Map<String, Long> lastArrival = new ConcurrentHashMap<>();

    EventTally(HubServiceClient service, String deviceId, String moduleId) {
        this.stream = service.streamEvents(new EventQuery("start", deviceId, moduleId, true, null));
        this.reader = new Thread(this::read, "event-tally");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try {
            JsonNode e;
            while ((e = stream.next()) != null) {
                JsonNode app = e.path("applicationProperties");
                String run = app.path("run").asText("?");
                int seq = app.path("seq").asInt(-1);
                List<Integer> list = byRun.computeIfAbsent(run, r -> new ArrayList<>());
                synchronized (list) {
                    list.add(seq);
                }
                long now = System.nanoTime();
                firstArrival.putIfAbsent(run, now);
                lastArrival.put(run, now);
            }
        } catch (RuntimeException e) {
            System.err.println("events stream ended: " + e);
        }
    }

    /** Distinct seqs of {@code run} seen so far. */
    int distinct(String run) {
        return analyse(run, 0).distinct();
    }

    /** How many of the seqs {@code from..to-1} of {@code run} have not arrived. */
    int missing(String run, int from, int to) {
        List<Integer> list = byRun.getOrDefault(run, List.of());
        BitSet seen = new BitSet();
        synchronized (list) {
            list.forEach(s -> {
                if (s >= 0) {
                    seen.set(s);
                }
            });
        }
        return (to - from) - seen.get(from, to).cardinality();
    }

    /** {@link System#nanoTime()} when the first event of {@code run} arrived (0 if none did). */
    long firstArrivalNanos(String run) {
        return firstArrival.getOrDefault(run, 0L);
    }

    long lastArrivalNanos(String run) {
        return lastArrival.getOrDefault(run, 0L);
    }

    /**
     * @param expected seqs 0..expected-1 were sent (and acknowledged)
     */
    Figures analyse(String run, int expected) {
        List<Integer> list = byRun.getOrDefault(run, List.of());
        int[] seqs;
        synchronized (list) {
            seqs = list.stream().mapToInt(Integer::intValue).toArray();
        }
        BitSet seen = new BitSet();
        int duplicates = 0;
        int outOfOrder = 0;
        int lastFirst = -1;
        int unexpected = 0;
        for (int s : seqs) {
            if (s < 0) {
                unexpected++;
                continue;
            }
            if (seen.get(s)) {
                duplicates++;
                continue;
            }
            seen.set(s);
            if (s < lastFirst) {
                outOfOrder++; // a first arrival behind a later seq: order per source broken
            }
            lastFirst = Math.max(lastFirst, s);
        }
        int lost = 0;
        for (int s = 0; s < expected; s++) {
            if (!seen.get(s)) {
                lost++;
            }
        }
        return new Figures(seqs.length, seen.cardinality(), duplicates, outOfOrder, lost, unexpected,
                seen.isEmpty() ? -1 : seen.length() - 1);
    }

    /** The arrivals of {@code run} as text, for a failure's diagnosis. */
    String arrivals(String run) {
        List<Integer> list = byRun.getOrDefault(run, List.of());
        synchronized (list) {
            return list.toString();
        }
    }

    record Figures(int events, int distinct, int duplicates, int outOfOrder, int lost, int unexpected, int maxSeq) {
    }

    @Override
    public void close() throws InterruptedException {
        stream.close();
        reader.join(10_000);
    }
}
