using Gatehouse.Configuration;
using Gatehouse.Relay;
using Gatehouse.Store;

namespace Gatehouse.Hosting;

/// <summary>Reports the state store (audit log, approvals, keys, catalog) to <c>/readyz</c>: answering, or down since when and why.</summary>
internal sealed class StoreReadiness(StoreHealth health, GatehouseConfig config) : IDependencyReadiness
{
    public string Name => "store";

    public UpstreamState Check() => health.Current is { } outage
        ? new(false, $"{Backend} unavailable since {outage.Since:u}: {outage.Reason}. Calls are " +
            (config.Audit.FailOpen ? "let through unrecorded" : "refused") + " until it answers again")
        : new(true, $"{Backend} answering");

    private string Backend => config.Store.Postgres is null ? "SQLite" : "PostgreSQL";
}
