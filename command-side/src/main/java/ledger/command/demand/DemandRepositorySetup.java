package ledger.command.demand;

import org.axonframework.eventsourcing.EventSourcingRepository;
import org.axonframework.eventsourcing.GenericAggregateFactory;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Demands are loaded from the log on every command (no cache: several command-side instances may write) and
 * built by reflection rather than as Spring prototype beans, which cost more than the rest of a load.
 */
@Configuration(proxyBeanMethods = false)
class DemandRepositorySetup {

    @Bean
    EventSourcingRepository<Demand> demandRepository(EventStore eventStore) {
        return EventSourcingRepository.builder(Demand.class)
                .eventStore(eventStore)
                .aggregateFactory(new GenericAggregateFactory<>(Demand.class))
                .build();
    }
}
