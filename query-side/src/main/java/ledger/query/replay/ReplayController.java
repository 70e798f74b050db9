package ledger.query.replay;

import java.util.LinkedHashMap;
import java.util.Map;
import ledger.query.Problems;
import ledger.query.projection.ProjectionTarget;
import org.bson.Document;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** Rebuilds every projection from the first event (blue/green): request it, and follow it. */
@RestController
class ReplayController {

    private final ProjectionTarget figures;
    private final ReplayStarter starter;

    ReplayController(ProjectionTarget figures, ReplayStarter starter) {
        this.figures = figures;
        this.starter = starter;
    }

    @PostMapping("/api/replays")
    ResponseEntity<?> request() {
        if (!figures.requestReplay()) {
            throw Problems.refused(HttpStatus.CONFLICT, "Replay already running",
                    "a replay is already requested or running; follow it at /api/replays/latest", "replay");
        }
        starter.startIfRequested();
        return ResponseEntity.accepted().header("Location", "/api/replays/latest").body(latest().getBody());
    }

    @GetMapping("/api/replays/latest")
    ResponseEntity<Map<String, Object>> latest() {
        Document replay = figures.latestReplay().orElse(null);
        if (replay == null) {
            throw Problems.refused(HttpStatus.NOT_FOUND, "No replay yet", "no replay was ever requested on this ledger", null);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("number", replay.get("number"));
        answer.put("state", replay.getString("state"));
        answer.put("processed", replay.get("processed", 0L));
        answer.put("total", replay.get("total", 0L));
        answer.put("requestedAt", replay.getString("requestedAt"));
        answer.put("startedAt", replay.getString("startedAt"));
        answer.put("finishedAt", replay.getString("finishedAt"));
        if (replay.getString("error") != null) {
            answer.put("error", replay.getString("error"));
        }
        return ResponseEntity.ok(answer);
    }
}
