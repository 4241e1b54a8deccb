import CorridorStore
import Testing

/// A subscription's delivery lease (migration 0027): one holder at a time, renewed by its holder,
/// taken over once it has run out.
@Suite struct DeliveryLeaseTests {
  @Test func oneHolderAtATimeUntilTheLeaseRunsOut() throws {
    let db = try freshDatabase()
    let outbox = db.outbox
    #expect(try outbox.lease("sub-1", holder: "a", nowMilliseconds: 1_000, untilMilliseconds: 31_000))
    // Another server is refused while the lease runs, and the lease is unchanged.
    #expect(try !outbox.lease("sub-1", holder: "b", nowMilliseconds: 2_000, untilMilliseconds: 32_000))
    #expect(try !outbox.lease("sub-1", holder: "b", nowMilliseconds: 30_999, untilMilliseconds: 60_999))
    #expect(try outbox.leases().map { "\($0.subscription) \($0.holder) \($0.expiresMilliseconds)" } == ["sub-1 a 31000"])
    // The holder renews it; another subscription is another lease.
    #expect(try outbox.lease("sub-1", holder: "a", nowMilliseconds: 20_000, untilMilliseconds: 50_000))
    #expect(try outbox.lease("sub-2", holder: "b", nowMilliseconds: 20_000, untilMilliseconds: 50_000))
    #expect(try !outbox.lease("sub-1", holder: "b", nowMilliseconds: 49_999, untilMilliseconds: 79_999))
    // Run out (its holder stopped renewing): the next server takes it, and the first is refused.
    #expect(try outbox.lease("sub-1", holder: "b", nowMilliseconds: 50_000, untilMilliseconds: 80_000))
    #expect(try !outbox.lease("sub-1", holder: "a", nowMilliseconds: 50_001, untilMilliseconds: 80_001))
    #expect(
      try outbox.leases().map { "\($0.subscription) \($0.holder) \($0.expiresMilliseconds)" } == ["sub-1 b 80000", "sub-2 b 50000"])
  }
}
