package dev.brink.edge.management;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LogFollowerTest {
    @Test
    void appendedLinesAreNew() {
        assertThat(LogFollower.newLines(List.of("a", "b"), List.of("a", "b", "c", "d"))).containsExactly("c", "d");
        assertThat(LogFollower.newLines(List.of("a", "b"), List.of("a", "b"))).isEmpty();
        assertThat(LogFollower.newLines(List.of(), List.of("a"))).containsExactly("a");
    }

    @Test
    void aFullWindowThatSlidAlignsOnItsOverlap() {
        assertThat(LogFollower.newLines(List.of("a", "b", "a", "b"), List.of("b", "a", "b", "c"))).containsExactly("c");
        List<String> before = IntStream.range(0, 1000).mapToObj(i -> "line " + i).toList();
        List<String> after = IntStream.range(7, 1007).mapToObj(i -> "line " + i).toList();
        assertThat(LogFollower.newLines(before, after)).containsExactly("line 1000", "line 1001", "line 1002",
                "line 1003", "line 1004", "line 1005", "line 1006");
    }

    @Test
    void repeatedLinesAreCountedNotSkipped() {
        assertThat(LogFollower.newLines(List.of("x", "x"), List.of("x", "x", "x"))).containsExactly("x");
    }

    @Test
    void aFreshLogIsAllNew() {
        assertThat(LogFollower.newLines(List.of("old 1", "old 2"), List.of("new 1"))).containsExactly("new 1");
        LogFollower follower = new LogFollower(List.of("a"));
        assertThat(follower.next(List.of("a", "b"))).containsExactly("b");
        assertThat(follower.next(List.of("a", "b", "c"))).containsExactly("c");
    }
}
