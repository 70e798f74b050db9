package ledger.query.projection;

import java.util.ArrayList;
import java.util.List;
import ledger.events.ContentDisclosed;
import ledger.events.DeadlineSet;
import ledger.events.DemandAssigned;
import ledger.events.DemandCorrected;
import ledger.events.DemandReceived;
import ledger.events.DemandRejected;
import ledger.events.NoDataFound;
import ledger.events.NonDisclosureOrderRecorded;
import ledger.events.SubscriberDataDisclosed;
import ledger.events.UserNotified;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.UnableToClaimTokenException;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.stereotype.Component;

/**
 * The period-figures projection, run by a pooled streaming processor with one segment so events are folded
 * in log order. Handlers only collect a batch's events; {@link #flushAtEndOfBatch()} folds the batch into
 * MongoDB after its last event and before the processor stores its token.
 */
@Component
@ProcessingGroup(FiguresProjection.PROCESSOR)
public class FiguresProjection {

    public static final String PROCESSOR = "period-figures";
    private static final String BATCH = FiguresProjection.class.getName() + ".batch";

    private final Generations generations;
    private final Replays replays;
    private final TokenStore tokens;

    FiguresProjection(Generations generations, Replays replays, TokenStore tokens) {
        this.generations = generations;
        this.replays = replays;
        this.tokens = tokens;
    }

    /**
     * Whether this instance holds the figures' segment, its claim made fresh. Every write of the figures comes
     * after it: a processor that stalled past the claim's timeout (10 s) while another instance took the segment
     * over learns it here and writes nothing, instead of folding the same events a second time beside the new
     * owner. The claim then lasts another timeout, many times what a batch's writes take.
     */
    public boolean claimsSegment() {
        try {
            tokens.extendClaim(PROCESSOR, 0);
            return true;
        } catch (UnableToClaimTokenException e) {
            return false;
        }
    }

    // one handler per event type: Axon routes by the parameter's type, and the events share no type naming demandId

    @EventHandler
    void on(DemandReceived event, TrackingToken token) {
        record(token, event, event.demandId());
    }

    @EventHandler
    void on(SubscriberDataDisclosed event, TrackingToken token) {
        record(token, event, event.demandId());
    }

    @EventHandler
    void on(ContentDisclosed event, TrackingToken token) {
        record(token, event, event.demandId());
    }

    @EventHandler
    void on(NoDataFound event, TrackingToken token) {
        record(token, event, event.demandId());
    }

    @EventHandler
    void on(DemandRejected event, TrackingToken token) {
        record(token, event, event.demandId());
    }

    @EventHandler
    void on(DemandCorrected event, TrackingToken token) {
        record(token, event, event.demandId());
    }

    @EventHandler
    void on(DeadlineSet event, TrackingToken token) {
        record(token, event, event.demandId());
    }

    @EventHandler
    void on(NonDisclosureOrderRecorded event, TrackingToken token) {
        record(token, event, event.demandId());
    }

    @EventHandler
    void on(UserNotified event, TrackingToken token) {
        record(token, event, event.demandId());
    }

    /** Counts nowhere; folded so the figures' position says it is included, as every event of the log is. */
    @EventHandler
    void on(DemandAssigned event, TrackingToken token) {
        record(token, event, event.demandId());
    }

    /**
     * Resetting this processor's token (with Axon's tooling, say) asks for a replay: the redelivered events are
     * already in the served generation and are left out, while the replay rebuilds a fresh one beside it.
     */
    @ResetHandler
    void reset() {
        replays.request();
    }

    private static void record(TrackingToken token, Object event, String demandId) {
        long position = token.position().orElseThrow(() -> new IllegalStateException("an event without a log position"));
        batch(CurrentUnitOfWork.get()).add(new FiguresProjector.Recorded(position, event, demandId));
    }

    private static List<FiguresProjector.Recorded> batch(UnitOfWork<?> unitOfWork) {
        return unitOfWork.root().getOrComputeResource(BATCH, k -> new ArrayList<>());
    }

    /**
     * Folds a batch into the served generation, then switches to a built replay's generation when there is one;
     * both under the generations' monitor, so the served generation does not move in between.
     */
    private void project(List<FiguresProjector.Recorded> batch) {
        synchronized (generations) {
            generations.project(batch);
            replays.finishIfBuilt();
        }
    }

    /**
     * Runs inside the batch's unit of work, after each event's handlers; folds the batch after its last event.
     * The processor stores its token only in the prepare-commit phase that follows, so the figures are written
     * first; a failure here rolls the batch back and it is delivered again.
     */
    MessageHandlerInterceptor<EventMessage<?>> flushAtEndOfBatch() {
        return (UnitOfWork<? extends EventMessage<?>> unitOfWork, InterceptorChain chain) -> {
            Object result = chain.proceed();
            if (!(unitOfWork instanceof BatchingUnitOfWork<?> batching) || batching.isLastMessage()) {
                List<FiguresProjector.Recorded> recorded = batch(unitOfWork);
                if (!claimsSegment()) {
                    throw new UnableToClaimTokenException("the figures' segment is claimed by another instance: this batch is not written");
                }
                project(List.copyOf(recorded));
                recorded.clear();
            }
            return result;
        };
    }
}
