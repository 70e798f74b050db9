package ledger.query.audit;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import ledger.query.figures.DemandState;
import ledger.query.figures.Period;

/**
 * Where a demand counts (period, jurisdiction, legal process, outcome, accounts, and in the handling table: its due
 * date kept or not, its hours to a first response, its order and notice), and the demands of a period that count
 * differently in two recounts.
 */
public final class Changes {

    private Changes() {
    }

    public static Map<String, Object> describe(DemandState d) {
        if (d == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("period", d.period().toString());
        m.put("jurisdiction", d.jurisdiction());
        m.put("legalProcess", d.legalProcess().name());
        m.put("outcome", d.outcome().name());
        m.put("accounts", d.accounts().size());
        // how it counts in the handling table (rules 18-19)
        m.put("deadline", d.onTime() ? "onTime" : d.late() ? "late" : d.open() ? "open" : null);
        m.put("hoursToResponse", d.firstResponse() == null ? null : d.hoursToResponse());
        m.put("nonDisclosureOrder", d.nonDisclosureOrder());
        m.put("userNotified", d.userNotified());
        return m;
    }

    /** Demands counted in {@code period} by either recount whose period, rows, outcome or accounts differ. */
    public static List<Map<String, Object>> between(Recount before, Recount after, Period period) {
        Set<String> ids = new HashSet<>();
        before.demands().forEach((id, d) -> {
            if (d.period().equals(period)) {
                ids.add(id);
            }
        });
        after.demands().forEach((id, d) -> {
            if (d.period().equals(period)) {
                ids.add(id);
            }
        });
        List<Map<String, Object>> changes = new ArrayList<>();
        for (String id : new TreeSet<>(ids)) {
            Map<String, Object> b = describe(before.demands().get(id));
            Map<String, Object> a = describe(after.demands().get(id));
            DemandState bs = before.demands().get(id);
            DemandState as = after.demands().get(id);
            boolean accountsChanged = bs != null && as != null && !bs.accounts().equals(as.accounts());
            if (!Objects.equals(b, a) || accountsChanged) {
                Map<String, Object> change = new LinkedHashMap<>();
                change.put("demandId", id);
                change.put("before", b);
                change.put("after", a);
                changes.add(change);
            }
        }
        return changes;
    }
}
