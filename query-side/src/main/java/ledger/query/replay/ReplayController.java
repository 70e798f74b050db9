package ledger.query.replay;

import java.util.LinkedHashMap;
import java.util.Map;
import ledger.query.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** Rebuilds every projection from the first event (blue/green): request it, and follow it. */
@RestController
class ReplayController {

    private final ReplayCoordinator replays;
    private final ReplayStarter starter;

    ReplayController(ReplayCoordinator replays, ReplayStarter starter) {
        this.replays = replays;
        this.starter = starter;
    }

    @PostMapping("/api/replays")
    ResponseEntity<?> request() {
        if (!replays.request()) {
            throw Problems.refused(HttpStatus.CONFLICT, "Replay already running",
                    "a replay is already requested or running; follow it at /api/replays/latest", "replay");
        }
        starter.startIfRequested();
        return ResponseEntity.accepted().header("Location", "/api/replays/latest").body(latest().getBody());
    }

    @GetMapping("/api/replays/latest")
    ResponseEntity<Map<String, Object>> latest() {
        Replay replay = replays.latest().orElse(null);
        if (replay == null) {
            throw Problems.refused(HttpStatus.NOT_FOUND, "No replay yet", "no replay was ever requested on this ledger", null);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("number", replay.number());
        answer.put("state", replay.state().name());
        answer.put("processed", replay.processedOrZero());
        answer.put("total", replay.totalOrZero());
        answer.put("requestedAt", replay.requestedAt());
        answer.put("startedAt", replay.startedAt());
        answer.put("finishedAt", replay.finishedAt());
        if (replay.error() != null) {
            answer.put("error", replay.error());
        }
        return ResponseEntity.ok(answer);
    }
}
