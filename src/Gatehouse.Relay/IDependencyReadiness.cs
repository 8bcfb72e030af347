namespace Gatehouse.Relay;

/// <summary>Something besides the upstreams that decisions depend on (the counters' Redis), reported by <c>/readyz</c>.</summary>
public interface IDependencyReadiness
{
    /// <summary>The name <c>/readyz</c> reports it under.</summary>
    string Name { get; }

    /// <summary>Whether it can be reached now, and a word on why.</summary>
    UpstreamState Check();
}
