using Gatehouse.Policy;

namespace Gatehouse.Decisions;

/// <summary>Rate-limit counters: a call is admitted only when every counter it names has room, and then consumes all of them.</summary>
public interface ICounterStore
{
    /// <summary>
    /// Consumes one unit of each counter in <paramref name="counters"/>, all or none.
    /// </summary>
    /// <returns>Admitted, or the counter that is full and when it next has room.</returns>
    ValueTask<CounterOutcome> TryConsumeAsync(IReadOnlyList<CounterKey> counters, CancellationToken cancellationToken);
}

/// <summary>A counter as one call consumes it: the policy's requirement and the scope value it is counted under.</summary>
public readonly record struct CounterKey(CounterRequirement Requirement, string ScopeValue)
{
    /// <summary>
    /// The key counters of the same name and scope value share, across rules. A smooth counter keeps other state
    /// than a sliding one, so a policy edit that changes the algorithm starts a counter of its own.
    /// </summary>
    public string Key => Requirement.Algorithm == CounterAlgorithm.Smooth
        ? $"{Requirement.Name}\n{Requirement.Scope}\n{ScopeValue}\nsmooth"
        : $"{Requirement.Name}\n{Requirement.Scope}\n{ScopeValue}";
}

/// <summary>What <see cref="ICounterStore.TryConsumeAsync"/> decided.</summary>
public readonly record struct CounterOutcome(bool Admitted, CounterRequirement? Full, TimeSpan RetryAfter)
{
    public static CounterOutcome Admit { get; } = new(true, null, TimeSpan.Zero);
}
