package dev.brink.edge.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One line of {@code brink edge check}.
 *
 * @param id     stable key for scripts ({@code hub-https}, {@code clock}, {@code disk}, ...)
 * @param title  what was checked, for people
 * @param status ok, warn (works, but act soon) or fail
 * @param detail what was found, or why it failed
 */
public record CheckResult(String id, String title, Status status, String detail) {

    public enum Status { OK, WARN, FAIL }

    public static CheckResult ok(String id, String title, String detail) {
        return new CheckResult(id, title, Status.OK, detail);
    }

    public static CheckResult warn(String id, String title, String detail) {
        return new CheckResult(id, title, Status.WARN, detail);
    }

    public static CheckResult fail(String id, String title, String detail) {
        return new CheckResult(id, title, Status.FAIL, detail);
    }

    public ObjectNode toJson() {
        return Json.object().put("id", id).put("title", title).put("status", status.name().toLowerCase(Locale.ROOT))
                .put("detail", detail);
    }

    public static CheckResult fromJson(JsonNode node) {
        return new CheckResult(node.path("id").asText(), node.path("title").asText(),
                Status.valueOf(node.path("status").asText("fail").toUpperCase(Locale.ROOT)),
                node.path("detail").asText(""));
    }

    /** {@code {"ok": bool, "checks": [...]}}: ok when nothing failed (warnings do not fail a check). */
    public static ObjectNode report(List<CheckResult> results) {
        ObjectNode report = Json.object().put("ok", results.stream().noneMatch(r -> r.status == Status.FAIL));
        ArrayNode checks = report.putArray("checks");
        results.forEach(r -> checks.add(r.toJson()));
        return report;
    }

    public static List<CheckResult> listFromReport(JsonNode report) {
        List<CheckResult> results = new ArrayList<>();
        report.path("checks").forEach(c -> results.add(fromJson(c)));
        return results;
    }
}
