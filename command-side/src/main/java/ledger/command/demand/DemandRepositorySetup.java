package ledger.command.demand;

import org.axonframework.eventsourcing.EventSourcingRepository;
import org.axonframework.eventsourcing.GenericAggregateFactory;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Demands come from a cache of the recently commanded ones ({@link RecentDemands}), else from the log, and are
 * built by reflection rather than as Spring prototype beans, which cost more than the rest of a load (docs/benchmarks.md).
 */
@Configuration(proxyBeanMethods = false)
class DemandRepositorySetup {

    @Bean
    EventSourcingRepository<Demand> demandRepository(EventStore eventStore,
                                                     @Value("${ledger.command.recent-demands:50000}") int recentDemands) {
        return EventSourcingRepository.builder(Demand.class)
                .eventStore(eventStore)
                .aggregateFactory(new GenericAggregateFactory<>(Demand.class))
                .cache(new RecentDemands(recentDemands))
                .build();
    }
}
