package ledger.query.projection;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import ledger.eventlog.store.StoreHealth;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.ErrorHandler;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.pooled.PooledStreamingEventProcessor;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.UnableToClaimTokenException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The processors' writes the store refuses (its disk full, or halted). Every failed write of a processor, of its
 * batch or of its token store (a claim, a token), is reported to {@link StoreHealth}, so the query side's readiness
 * goes DOWN even when no request writes. The batch is rolled back and delivered again, as for any failure (the
 * figures' writes are idempotent, so one cut off half-way is written whole by the next attempt); but Axon backs a
 * failed segment off for 1, 2, 4... up to 60 s, so once the store takes writes again each processor is told to
 * claim its segments at once: the figures resume within a probe interval of the space being freed.
 */
@Configuration(proxyBeanMethods = false)
class RefusedWrites {

    private static final Logger LOG = LoggerFactory.getLogger(RefusedWrites.class);

    /** Reports a processor's failure, then propagates it (Axon's default: the batch is rolled back and retried). */
    @Bean
    ConfigurerModule reportRefusedProcessorWrites(StoreHealth store) {
        ErrorHandler reporting = context -> {
            store.report(context.error());
            PropagatingErrorHandler.INSTANCE.handleError(context);
        };
        return configurer -> configurer.eventProcessing(processing -> processing.registerDefaultErrorHandler(c -> reporting));
    }

    @Bean
    static BeanPostProcessor reportRefusedTokenWrites(ObjectProvider<StoreHealth> store) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                return bean instanceof TokenStore tokens && !(bean instanceof Reporting) ? new Reporting(tokens, store) : bean;
            }
        };
    }

    @Bean
    SmartInitializingSingleton resumeWhenWritable(StoreHealth store, EventProcessingConfiguration processing, TokenStore tokens) {
        return () -> store.whenWritableAgain(() -> {
            for (var processor : processing.eventProcessors().values()) {
                if (processor instanceof PooledStreamingEventProcessor pooled && pooled.isRunning()) {
                    Set<Integer> held = pooled.processingStatus().keySet();
                    for (int segment : tokens.fetchSegments(pooled.getName())) {
                        if (!held.contains(segment)) {
                            LOG.info("processor {} claims segment {} now that the store takes writes again", pooled.getName(), segment);
                            pooled.claimSegment(segment);
                        }
                    }
                }
            }
        });
    }

    /** A token store whose failures are reported as they pass. */
    private static final class Reporting implements TokenStore {
        private final TokenStore tokens;
        private final ObjectProvider<StoreHealth> store;

        Reporting(TokenStore tokens, ObjectProvider<StoreHealth> store) {
            this.tokens = tokens;
            this.store = store;
        }

        /** The token store's answer; a failure is reported to the store's health as it passes. */
        private <T> T reporting(java.util.function.Supplier<T> call) {
            try {
                return call.get();
            } catch (RuntimeException e) {
                StoreHealth health = store.getIfAvailable();
                if (health != null) {
                    health.report(e);
                }
                throw e;
            }
        }

        private void reporting(Runnable call) {
            reporting(() -> {
                call.run();
                return null;
            });
        }

        @Override
        public void initializeTokenSegments(String processorName, int segmentCount) {
            reporting(() -> tokens.initializeTokenSegments(processorName, segmentCount));
        }

        @Override
        public void initializeTokenSegments(String processorName, int segmentCount, TrackingToken initialToken) {
            reporting(() -> tokens.initializeTokenSegments(processorName, segmentCount, initialToken));
        }

        @Override
        public void storeToken(TrackingToken token, String processorName, int segment) {
            reporting(() -> tokens.storeToken(token, processorName, segment));
        }

        @Override
        public TrackingToken fetchToken(String processorName, int segment) {
            return reporting(() -> tokens.fetchToken(processorName, segment));
        }

        @Override
        public TrackingToken fetchToken(String processorName, Segment segment) throws UnableToClaimTokenException {
            return reporting(() -> tokens.fetchToken(processorName, segment));
        }

        @Override
        public void extendClaim(String processorName, int segment) {
            reporting(() -> tokens.extendClaim(processorName, segment));
        }

        @Override
        public void releaseClaim(String processorName, int segment) {
            reporting(() -> tokens.releaseClaim(processorName, segment));
        }

        @Override
        public void initializeSegment(TrackingToken token, String processorName, int segment) {
            reporting(() -> tokens.initializeSegment(token, processorName, segment));
        }

        @Override
        public void deleteToken(String processorName, int segment) {
            reporting(() -> tokens.deleteToken(processorName, segment));
        }

        @Override
        public boolean requiresExplicitSegmentInitialization() {
            return tokens.requiresExplicitSegmentInitialization();
        }

        @Override
        public int[] fetchSegments(String processorName) {
            return tokens.fetchSegments(processorName);
        }

        @Override
        public List<Segment> fetchAvailableSegments(String processorName) {
            return tokens.fetchAvailableSegments(processorName);
        }

        @Override
        public Optional<String> retrieveStorageIdentifier() {
            return reporting(() -> tokens.retrieveStorageIdentifier());
        }
    }
}
