package ledger.command.demand;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import ledger.events.AccountPseudonym;
import ledger.events.DemandCommands.AssignDemand;
import ledger.events.DemandCommands.CorrectDemand;
import ledger.events.DemandCommands.DiscloseContent;
import ledger.events.DemandCommands.DiscloseSubscriberData;
import ledger.events.DemandCommands.NotifyUser;
import ledger.events.DemandCommands.ReceiveDemand;
import ledger.events.DemandCommands.RecordNoDataFound;
import ledger.events.DemandCommands.RecordNonDisclosureOrder;
import ledger.events.DemandCommands.RejectDemand;
import ledger.events.DemandCommands.SetDeadline;
import ledger.events.Jurisdiction;
import ledger.events.LegalProcess;
import ledger.events.RejectionReason;
import org.junit.jupiter.api.Test;

/** What an Idempotency-Key's request is remembered by, now and as earlier builds stored it. */
class RequestHashTest {

    private static final Instant RECEIVED_AT = Instant.parse("2014-03-02T10:15:00Z");
    private static final Instant AT = Instant.parse("2014-03-03T10:15:00Z");
    private static final List<AccountPseudonym> ACCOUNTS =
            List.of(new AccountPseudonym("a".repeat(64)), new AccountPseudonym("b".repeat(64)));
    private static final ReceiveDemand RECEIPT = new ReceiveDemand("2014-H1-US-00017", RECEIVED_AT, new Jurisdiction("US"),
            "FBI", LegalProcess.SUBPOENA, ACCOUNTS);

    /**
     * The hashes a build before due dates stored (its {@code hash(kind + "\n" + command)}, the record's toString()),
     * computed by that build's shared-events (commit 2b9fd1d) for these two commands.
     */
    private static final String EARLIER_RECEIPT_HASH = "d7b44266bad9a3860f36e7556596e9cbdbbbb5dc53f875de3eb1f7281e1553d4";
    private static final String EARLIER_CORRECTION_HASH = "cab977ad8594c29a94be074cef3d83f6c5cda8fe1c7e8f0b696e51a9e26ae882";

    @Test
    void theEarlierFormOfAReceiptIsItsToStringBeforeDueDates() {
        assertThat(RequestHash.earlierForm("receive", RECEIPT)).isEqualTo("receive\nReceiveDemand[demandId=2014-H1-US-00017, "
                + "receivedAt=2014-03-02T10:15:00Z, jurisdiction=US, agency=FBI, legalProcess=SUBPOENA, accounts=["
                + "AccountPseudonym[value=" + "a".repeat(64) + "], AccountPseudonym[value=" + "b".repeat(64) + "]]]");
        // what the record's toString() now says differs (", dueAt=null"): the reason the form is written out by hand
        assertThat("receive\n" + RECEIPT).isNotEqualTo(RequestHash.earlierForm("receive", RECEIPT));
    }

    @Test
    void aKeyStoredByAnEarlierBuildIsHonouredForTheSameRequest() {
        String now = RequestHash.of("receive", RECEIPT);
        assertThat(now).isNotEqualTo(EARLIER_RECEIPT_HASH);
        assertThat(RequestHash.sameRequest(EARLIER_RECEIPT_HASH, now, "receive", RECEIPT)).isTrue();
        CorrectDemand correction = new CorrectDemand("D-1", null, new Jurisdiction("GB"), null, null, null);
        assertThat(RequestHash.sameRequest(EARLIER_CORRECTION_HASH, RequestHash.of("correction", correction), "correction", correction))
                .isTrue();
    }

    @Test
    void aKeyStoredByAnEarlierBuildIsNotTakenForAnotherRequest() {
        ReceiveDemand withDueAt = new ReceiveDemand(RECEIPT.demandId(), RECEIVED_AT, RECEIPT.jurisdiction(), "FBI",
                LegalProcess.SUBPOENA, ACCOUNTS, AT);
        assertThat(RequestHash.earlierForm("receive", withDueAt)).as("no earlier build had a due date").isNull();
        assertThat(RequestHash.sameRequest(EARLIER_RECEIPT_HASH, RequestHash.of("receive", withDueAt), "receive", withDueAt)).isFalse();
        ReceiveDemand otherAgency = new ReceiveDemand(RECEIPT.demandId(), RECEIVED_AT, RECEIPT.jurisdiction(), "DEA",
                LegalProcess.SUBPOENA, ACCOUNTS);
        assertThat(RequestHash.sameRequest(EARLIER_RECEIPT_HASH, RequestHash.of("receive", otherAgency), "receive", otherAgency)).isFalse();
        // the same fields under another kind are another request
        assertThat(RequestHash.sameRequest(EARLIER_RECEIPT_HASH, RequestHash.of("correction", RECEIPT), "correction", RECEIPT)).isFalse();
        assertThat(RequestHash.sameRequest(null, RequestHash.of("receive", RECEIPT), "receive", RECEIPT)).isFalse();
    }

    @Test
    void theFormIsWrittenFieldByFieldWithNullsLeftOut() {
        String accounts = "[\"" + "a".repeat(64) + "\",\"" + "b".repeat(64) + "\"]";
        assertThat(RequestHash.form("receive", RECEIPT)).isEqualTo("{\"kind\":\"receive\",\"demandId\":\"2014-H1-US-00017\","
                + "\"receivedAt\":\"2014-03-02T10:15:00Z\",\"jurisdiction\":\"US\",\"agency\":\"FBI\",\"legalProcess\":\"SUBPOENA\","
                + "\"accounts\":" + accounts + "}");
        // pinned: a key stored by this build must be honoured by later ones (computed outside Java from the form above)
        assertThat(RequestHash.of("receive", RECEIPT)).isEqualTo("a0f3202dfd7b36119dd68442d26cb5b92b40779bd4d9e6b155e4eb7a76bea2ee");
        assertThat(RequestHash.form("receive", new ReceiveDemand(RECEIPT.demandId(), RECEIVED_AT, RECEIPT.jurisdiction(), "FBI",
                LegalProcess.SUBPOENA, ACCOUNTS, AT))).endsWith(",\"accounts\":" + accounts + ",\"dueAt\":\"2014-03-03T10:15:00Z\"}");
        assertThat(RequestHash.form("correction", new CorrectDemand("D-1", null, new Jurisdiction("GB"), null, null, null)))
                .isEqualTo("{\"kind\":\"correction\",\"demandId\":\"D-1\",\"jurisdiction\":\"GB\"}");
        assertThat(RequestHash.form("correction", new CorrectDemand("D-1", null, null, null, null, List.of())))
                .isEqualTo("{\"kind\":\"correction\",\"demandId\":\"D-1\",\"accounts\":[]}");
        assertThat(RequestHash.form("assignment", new AssignDemand("D-1", null))).isEqualTo("{\"kind\":\"assignment\",\"demandId\":\"D-1\"}");
        assertThat(RequestHash.form("non-disclosure-order", new RecordNonDisclosureOrder("D-1", AT, null)))
                .isEqualTo("{\"kind\":\"non-disclosure-order\",\"demandId\":\"D-1\",\"occurredAt\":\"2014-03-03T10:15:00Z\"}");
    }

    @Test
    void aValueCannotPassForAnotherField() {
        ReceiveDemand quoted = new ReceiveDemand("D-1", RECEIVED_AT, new Jurisdiction("US"), "FBI\",\"legalProcess\":\"OTHER",
                LegalProcess.SUBPOENA, List.of());
        assertThat(RequestHash.form("receive", quoted)).contains("\"agency\":\"FBI\\\",\\\"legalProcess\\\":\\\"OTHER\"");
        assertThat(RequestHash.form("assignment", new AssignDemand("D-1", "a\nb"))).contains("\"assignee\":\"a\\nb\"");
    }

    @Test
    void everyCommandHasAFormOfItsOwn() {
        List<Object[]> requests = List.of(
                new Object[] {"receive", RECEIPT},
                new Object[] {"subscriber-disclosure", new DiscloseSubscriberData("D-1", AT)},
                new Object[] {"content-disclosure", new DiscloseContent("D-1", AT)},
                new Object[] {"no-data-found", new RecordNoDataFound("D-1", AT)},
                new Object[] {"rejection", new RejectDemand("D-1", AT, RejectionReason.OVERBROAD)},
                new Object[] {"correction", new CorrectDemand("D-1", AT, null, null, null, null)},
                new Object[] {"deadline", new SetDeadline("D-1", AT)},
                new Object[] {"assignment", new AssignDemand("D-1", "alice")},
                new Object[] {"assignment", new AssignDemand("D-1", null)},
                new Object[] {"non-disclosure-order", new RecordNonDisclosureOrder("D-1", AT, null)},
                new Object[] {"non-disclosure-order", new RecordNonDisclosureOrder("D-1", AT, AT.plusSeconds(1))},
                new Object[] {"user-notice", new NotifyUser("D-1", AT)});
        Set<String> hashes = new HashSet<>();
        for (Object[] r : requests) {
            hashes.add(RequestHash.of((String) r[0], r[1]));
        }
        assertThat(hashes).hasSize(requests.size()).allMatch(h -> h.matches("[0-9a-f]{64}"));
        assertThat(RequestHash.earlierForm("deadline", new SetDeadline("D-1", AT))).as("new commands had no earlier form").isNull();
    }
}
