package ledger.events;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** A pseudonym is 64 lower-case hex digits (counting rule 9): nothing else enters an event as an account. */
class AccountPseudonymTest {

    @Test
    void onlySixtyFourLowerCaseHexDigitsAreAPseudonym() {
        String hex = "0123456789abcdef".repeat(4);
        assertDoesNotThrow(() -> new AccountPseudonym(hex));
        for (String bad : new String[] {hex.toUpperCase(), hex.substring(1), hex + "0", hex.substring(1) + "g", "", "someone@example.org",
                hex.substring(1) + "/", hex.substring(1) + ":", hex.substring(1) + "`"}) {
            assertThrows(IllegalArgumentException.class, () -> new AccountPseudonym(bad), bad);
        }
    }
}
