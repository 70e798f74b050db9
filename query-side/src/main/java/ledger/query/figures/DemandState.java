package ledger.query.figures;

import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import ledger.events.AccountPseudonym;
import ledger.events.ContentDisclosed;
import ledger.events.DemandCorrected;
import ledger.events.DemandReceived;
import ledger.events.DemandRejected;
import ledger.events.LegalProcess;
import ledger.events.NoDataFound;
import ledger.events.SubscriberDataDisclosed;

/**
 * What counts of one demand (counting rules 4, 5, 7, 8, 15 and 16): where it counts (period by receivedAt, row by
 * jurisdiction and by legal process, or the national-security report), which accounts it names, and which
 * dispositions it had. A correction replaces fields, so the demand counts exactly as if it had been logged that way.
 */
public record DemandState(String demandId, Instant receivedAt, String jurisdiction, LegalProcess legalProcess, List<String> accounts,
                          boolean content, boolean subscriber, boolean noData, boolean rejected) {

    public DemandState {
        accounts = sortedDistinct(accounts);
    }

    /** Every event makes a new state: a list already sorted and distinct (the usual case) is kept as it is. */
    private static List<String> sortedDistinct(List<String> accounts) {
        for (int i = 1; i < accounts.size(); i++) {
            if (accounts.get(i - 1).compareTo(accounts.get(i)) >= 0) {
                return List.copyOf(new TreeSet<>(accounts));
            }
        }
        return List.copyOf(accounts);
    }

    public Period period() {
        return Period.of(receivedAt);
    }

    public Outcome outcome() {
        return Outcome.of(content, subscriber, noData, rejected);
    }

    /** Counted only in the national-security report, in neither table (rule 16). */
    public boolean nationalSecurity() {
        return legalProcess.nationalSecurity();
    }

    /**
     * The state after one more event; {@code before} is null until the demand is received. Events of a demand
     * that was never received cannot be in the log (the aggregate refuses them); they leave it unreceived.
     */
    public static DemandState apply(DemandState before, Object event) {
        if (event instanceof DemandReceived e) {
            return new DemandState(e.demandId(), e.receivedAt(), e.jurisdiction().code(), e.legalProcess(), codes(e.accounts()),
                    false, false, false, false);
        }
        if (before == null) {
            return null;
        }
        if (event instanceof SubscriberDataDisclosed) {
            return before.with(before.content, true, before.noData, before.rejected);
        }
        if (event instanceof ContentDisclosed) {
            return before.with(true, before.subscriber, before.noData, before.rejected);
        }
        if (event instanceof NoDataFound) {
            return before.with(before.content, before.subscriber, true, before.rejected);
        }
        if (event instanceof DemandRejected) {
            return before.with(before.content, before.subscriber, before.noData, true);
        }
        if (event instanceof DemandCorrected e) {
            return new DemandState(before.demandId,
                    e.receivedAt() != null ? e.receivedAt() : before.receivedAt,
                    e.jurisdiction() != null ? e.jurisdiction().code() : before.jurisdiction,
                    e.legalProcess() != null ? e.legalProcess() : before.legalProcess,
                    e.accounts() != null ? codes(e.accounts()) : before.accounts,
                    before.content, before.subscriber, before.noData, before.rejected);
        }
        return before;
    }

    private DemandState with(boolean content, boolean subscriber, boolean noData, boolean rejected) {
        return new DemandState(demandId, receivedAt, jurisdiction, legalProcess, accounts, content, subscriber, noData, rejected);
    }

    private static List<String> codes(List<AccountPseudonym> accounts) {
        return accounts.stream().map(AccountPseudonym::value).toList();
    }
}
