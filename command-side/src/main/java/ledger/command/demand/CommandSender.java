package ledger.command.demand;

import java.util.Optional;
import ledger.access.AccessConfiguration;
import ledger.command.demand.DemandController.Created;
import ledger.eventlog.MongoEventLog;
import ledger.eventlog.MongoEventLog.KeyedCommit;
import ledger.events.DemandCommands.ReceiveDemand;
import ledger.events.DemandCommands.ReceiveNewDemand;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.messaging.MetaData;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.springframework.stereotype.Component;

/**
 * Sends one command to its demand and says what was stored: the caller's actor and Idempotency-Key go with it, a
 * repeat of a key answers as the first time did, and a command that lost a race on its demand is run again.
 */
@Component
class CommandSender {

    /** A concurrent command on the same demand won; the command is re-run against the new state. */
    private static final int ATTEMPTS = 3;
    private static final int MAX_KEY_LENGTH = 200;

    private final CommandGateway commands;
    private final MongoEventLog log;

    CommandSender(CommandGateway commands, MongoEventLog log) {
        this.commands = commands;
        this.log = log;
    }

    Created send(String demandId, CommandKind kind, Object command, String key) {
        if (key != null && (key.isBlank() || key.length() > MAX_KEY_LENGTH)) {
            throw new DemandRefused.InvalidField("Idempotency-Key",
                    "the Idempotency-Key header must be 1 to " + MAX_KEY_LENGTH + " characters");
        }
        String requestHash = key == null ? null : RequestHash.of(kind.hashed(), command);
        // A key is looked up only when the command does not simply succeed: a first-time command (the usual case, an
        // import's every line) pays no lookup; a repeat either collides on the log's unique key or is refused by the
        // demand as it stands now, and then answers as the first time did.
        try {
            return attempt(demandId, kind, command, key, requestHash);
        } catch (IdempotencyKeyReused | MongoEventLog.IdempotencyKeyTaken e) {
            throw e;
        } catch (RuntimeException refused) {
            if (key != null) {
                Optional<Created> earlier = answerForKey(key, requestHash, kind, command);
                if (earlier.isPresent()) {
                    return earlier.get();
                }
            }
            throw refused;
        }
    }

    private Created attempt(String demandId, CommandKind kind, Object command, String key, String requestHash) {
        MetaData metaData = MetaData.with("actor", AccessConfiguration.actor());
        if (key != null) {
            metaData = metaData.and("idempotencyKey", key).and("requestHash", requestHash);
        }
        // A receipt is first sent as the receipt of a new demand, which reads nothing from the log: the common case.
        // A demand received before makes it collide on the log's stream key (or it is refused); then the receipt
        // is sent as it is, judged against the demand as the log has it.
        Object sending = command instanceof ReceiveDemand receipt ? ReceiveNewDemand.of(receipt) : command;
        boolean rechecked = false;
        for (int attempt = 1; ; attempt++) {
            log.takeLastAppended();
            try {
                commands.sendAndWait(GenericCommandMessage.asCommandMessage(sending).andMetaData(metaData));
                Optional<long[]> appended = log.takeLastAppended();
                if (appended.isPresent()) {
                    return created(kind, demandId, appended.get()[1], false);
                }
                // an idempotent repeat of a receipt (the same body again) stores nothing
                return created(kind, demandId, log.firstPositionOf(demandId).orElse(0L), true);
            } catch (MongoEventLog.IdempotencyKeyTaken e) {
                return answerForKey(key, requestHash, kind, command).orElseThrow(() -> e);
            } catch (AggregateStreamCreationException | DemandRefused.InvalidField e) {
                if (sending instanceof ReceiveNewDemand) {
                    // received before (the same body again, or another: 409), or refused as new (a receivedAt in the
                    // future, which is a 409 all the same if the demand was received with another body): decided by
                    // the receipt on the demand as the log has it; this was no attempt on a changed demand
                    sending = command;
                    attempt--;
                } else if (e instanceof DemandRefused.InvalidField invalid) {
                    throw invalid;
                } else if (attempt == ATTEMPTS) {
                    throw changedConcurrently(demandId);
                }
            } catch (DemandRefused.Conflict e) {
                // the demand may have come from RecentDemands, stale if another instance wrote since: the refusal
                // rolled back and dropped it, so once more on the demand as the log has it
                if (rechecked) {
                    throw e;
                }
                rechecked = true;
                attempt--;
            } catch (ConcurrencyException e) {
                if (attempt == ATTEMPTS) {
                    throw changedConcurrently(demandId);
                }
            }
        }
    }

    private static DemandRefused.Conflict changedConcurrently(String demandId) {
        return new DemandRefused.Conflict("demandId", "demandId " + demandId + " was changed by concurrent commands; try again");
    }

    private Optional<Created> answerForKey(String key, String requestHash, CommandKind kind, Object command) {
        Optional<KeyedCommit> earlier = log.findByIdempotencyKey(key);
        if (earlier.isEmpty()) {
            return Optional.empty();
        }
        if (!RequestHash.sameRequest(earlier.get().requestHash(), requestHash, kind.hashed(), command)) {
            throw new IdempotencyKeyReused(key);
        }
        return Optional.of(created(kind, earlier.get().aggregateIdentifier(), earlier.get().lastPosition(), true));
    }

    private static Created created(CommandKind kind, String demandId, long position, boolean replayed) {
        return new Created(demandId, position, kind == CommandKind.RECEIVE, replayed);
    }

    /** The same Idempotency-Key with another request: 422. */
    static final class IdempotencyKeyReused extends RuntimeException {
        IdempotencyKeyReused(String key) {
            super("Idempotency-Key '" + key + "' was already used with another request");
        }
    }
}
