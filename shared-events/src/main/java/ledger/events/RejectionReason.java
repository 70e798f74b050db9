package ledger.events;

/** Why a demand was rejected. */
public enum RejectionReason {
    INVALID_LEGAL_PROCESS, OVERBROAD, WRONG_JURISDICTION, OTHER
}
