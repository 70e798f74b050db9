package ledger.query.projection;

import org.axonframework.config.ConfigurerModule;
import org.axonframework.messaging.StreamableMessageSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The figures processor: pooled, one segment (events fold in log order), large batches, from the log's tail. */
@Configuration(proxyBeanMethods = false)
class ProjectionSetup {

    @Bean
    ConfigurerModule figuresProcessor(FiguresProjection projection, @Value("${ledger.query.batch-size:1000}") int batchSize) {
        return configurer -> configurer.eventProcessing(processing -> processing
                .registerPooledStreamingEventProcessor(FiguresProjection.PROCESSOR,
                        org.axonframework.config.Configuration::eventStore,
                        (config, builder) -> builder.initialSegmentCount(1).maxClaimedSegments(1)
                                .batchSize(batchSize)
                                .initialToken(StreamableMessageSource::createTailToken))
                .registerHandlerInterceptor(FiguresProjection.PROCESSOR, config -> projection.flushAtEndOfBatch()));
    }
}
