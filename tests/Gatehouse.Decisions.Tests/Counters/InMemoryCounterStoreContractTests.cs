namespace Gatehouse.Decisions.Tests.Counters;

public sealed class InMemoryCounterStoreContractTests : CounterStoreContract
{
    protected override ICounterStore CreateStore() => new InMemoryCounterStore(Time);
}
