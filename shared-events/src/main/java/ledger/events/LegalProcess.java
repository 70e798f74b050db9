package ledger.events;

/** The kind of legal process a demand was served under. */
public enum LegalProcess {
    SUBPOENA, COURT_ORDER, SEARCH_WARRANT, EMERGENCY, OTHER
}
