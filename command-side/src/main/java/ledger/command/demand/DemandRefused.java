package ledger.command.demand;

/** A command the rules refuse, naming the field at fault; nothing is stored. */
abstract sealed class DemandRefused extends RuntimeException {

    private final String field;

    DemandRefused(String field, String message) {
        super(message);
        this.field = field;
    }

    String field() {
        return field;
    }

    /** A transition or a reuse the rules forbid: 409. */
    static final class Conflict extends DemandRefused {
        Conflict(String field, String message) {
            super(field, message);
        }
    }

    /** A value no demand may have, whatever its state: 400. */
    static final class InvalidField extends DemandRefused {
        InvalidField(String field, String message) {
            super(field, message);
        }
    }
}
