package ledger.query.figures;

import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import ledger.events.AccountPseudonym;
import ledger.events.ContentDisclosed;
import ledger.events.DeadlineSet;
import ledger.events.DemandCorrected;
import ledger.events.DemandReceived;
import ledger.events.DemandRejected;
import ledger.events.LegalProcess;
import ledger.events.NoDataFound;
import ledger.events.NonDisclosureOrderRecorded;
import ledger.events.SubscriberDataDisclosed;
import ledger.events.UserNotified;

/**
 * What counts of one demand (counting rules 4, 5, 7, 8, 15 and 16): where it counts (period by receivedAt, row by
 * jurisdiction and by legal process, or the national-security report), which accounts it names, and which
 * dispositions it had; and how it was handled (counting rules 18-20): its due date (the latest given, null when
 * none), its first response (the earliest {@code occurredAt} of its dispositions, null when none), whether a
 * non-disclosure order was recorded and whether its user was notified. A correction replaces fields, so the demand
 * counts exactly as if it had been logged that way.
 */
public record DemandState(String demandId, Instant receivedAt, String jurisdiction, LegalProcess legalProcess, List<String> accounts,
                          boolean content, boolean subscriber, boolean noData, boolean rejected,
                          Instant dueAt, Instant firstResponse, boolean nonDisclosureOrder, boolean userNotified) {

    public DemandState {
        accounts = sortedDistinct(accounts);
    }

    /** A demand without a due date, response, order or notice recorded. */
    public DemandState(String demandId, Instant receivedAt, String jurisdiction, LegalProcess legalProcess, List<String> accounts,
                       boolean content, boolean subscriber, boolean noData, boolean rejected) {
        this(demandId, receivedAt, jurisdiction, legalProcess, accounts, content, subscriber, noData, rejected, null, null, false, false);
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

    /** A first response at or before the due date (rule 19's {@code onTime}). */
    public boolean onTime() {
        return dueAt != null && firstResponse != null && !firstResponse.isAfter(dueAt);
    }

    /** A first response after the due date. */
    public boolean late() {
        return dueAt != null && firstResponse != null && firstResponse.isAfter(dueAt);
    }

    /** A due date and no response yet. */
    public boolean open() {
        return dueAt != null && firstResponse == null;
    }

    /** The whole hours from receipt to the first response, rounded down; -1 without a response. */
    public long hoursToResponse() {
        if (firstResponse == null) {
            return -1;
        }
        return Math.floorDiv(java.time.Duration.between(receivedAt, firstResponse).getSeconds(), 3600L);
    }

    /**
     * The state after one more event; {@code before} is null until the demand is received. Events of a demand
     * that was never received cannot be in the log (the aggregate refuses them); they leave it unreceived.
     */
    public static DemandState apply(DemandState before, Object event) {
        if (event instanceof DemandReceived e) {
            return new DemandState(e.demandId(), e.receivedAt(), e.jurisdiction().code(), e.legalProcess(), codes(e.accounts()),
                    false, false, false, false, e.dueAt(), null, false, false);
        }
        if (before == null) {
            return null;
        }
        if (event instanceof SubscriberDataDisclosed e) {
            return before.with(before.content, true, before.noData, before.rejected, e.occurredAt());
        }
        if (event instanceof ContentDisclosed e) {
            return before.with(true, before.subscriber, before.noData, before.rejected, e.occurredAt());
        }
        if (event instanceof NoDataFound e) {
            return before.with(before.content, before.subscriber, true, before.rejected, e.occurredAt());
        }
        if (event instanceof DemandRejected e) {
            return before.with(before.content, before.subscriber, before.noData, true, e.occurredAt());
        }
        if (event instanceof DeadlineSet e) {
            return before.handled(e.dueAt(), before.nonDisclosureOrder, before.userNotified);
        }
        if (event instanceof NonDisclosureOrderRecorded) {
            return before.handled(before.dueAt, true, before.userNotified);
        }
        if (event instanceof UserNotified) {
            return before.handled(before.dueAt, before.nonDisclosureOrder, true);
        }
        if (event instanceof DemandCorrected e) {
            return new DemandState(before.demandId,
                    e.receivedAt() != null ? e.receivedAt() : before.receivedAt,
                    e.jurisdiction() != null ? e.jurisdiction().code() : before.jurisdiction,
                    e.legalProcess() != null ? e.legalProcess() : before.legalProcess,
                    e.accounts() != null ? codes(e.accounts()) : before.accounts,
                    before.content, before.subscriber, before.noData, before.rejected,
                    before.dueAt, before.firstResponse, before.nonDisclosureOrder, before.userNotified);
        }
        return before;
    }

    /** With a disposition that occurred at {@code occurredAt}: the first response is the earliest (rule 18). */
    private DemandState with(boolean content, boolean subscriber, boolean noData, boolean rejected, Instant occurredAt) {
        Instant first = firstResponse == null || occurredAt.isBefore(firstResponse) ? occurredAt : firstResponse;
        return new DemandState(demandId, receivedAt, jurisdiction, legalProcess, accounts, content, subscriber, noData, rejected,
                dueAt, first, nonDisclosureOrder, userNotified);
    }

    /** The same demand without its accounts: what a list that never shows them keeps. */
    public DemandState withoutAccounts() {
        return accounts.isEmpty() ? this : new DemandState(demandId, receivedAt, jurisdiction, legalProcess, List.of(), content,
                subscriber, noData, rejected, dueAt, firstResponse, nonDisclosureOrder, userNotified);
    }

    private DemandState handled(Instant dueAt, boolean nonDisclosureOrder, boolean userNotified) {
        return new DemandState(demandId, receivedAt, jurisdiction, legalProcess, accounts, content, subscriber, noData, rejected,
                dueAt, firstResponse, nonDisclosureOrder, userNotified);
    }

    private static List<String> codes(List<AccountPseudonym> accounts) {
        return accounts.stream().map(AccountPseudonym::value).toList();
    }
}
