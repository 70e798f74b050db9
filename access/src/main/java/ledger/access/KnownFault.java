package ledger.access;

import org.springframework.web.ErrorResponse;

/**
 * A fault a side knows how to answer other than as an internal error (a store that refuses writes, say): any bean of
 * this type is asked, for every exception no handler answered, before it becomes a 500.
 */
@FunctionalInterface
public interface KnownFault {

    /** The answer to {@code fault} (or one of its causes), or null when it is not this fault. */
    ErrorResponse answer(Throwable fault);
}
