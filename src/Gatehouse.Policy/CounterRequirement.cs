namespace Gatehouse.Policy;

/// <summary>
/// A rate-limit counter a call must consume before it runs: never more than <paramref name="Max"/> calls
/// admitted in any interval of length <paramref name="Window"/>, per <paramref name="Scope"/>.
/// Counters with the same name are one budget, whichever rule names them.
/// </summary>
public sealed record CounterRequirement(string Name, TimeSpan Window, int Max, CounterScope Scope);
