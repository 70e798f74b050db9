package ledger.events;

/**
 * The kind of legal process a demand was served under. Events store it by name, so a kind added here changes
 * no event already in the log: logs written before the national-security kinds existed read back as they were.
 */
public enum LegalProcess {
    SUBPOENA, COURT_ORDER, SEARCH_WARRANT, EMERGENCY, OTHER,
    NATIONAL_SECURITY_LETTER, FISA_ORDER;

    /**
     * US national-security process (counting rule 16): a demand under it is counted only in its period's
     * national-security report, never in the per-jurisdiction or legal-process tables.
     */
    public boolean nationalSecurity() {
        return this == NATIONAL_SECURITY_LETTER || this == FISA_ORDER;
    }
}
