using System.Collections.Concurrent;

namespace Gatehouse.Catalog;

/// <summary>What one process knows of one server's catalog: the pins last read, and what it recorded and audited.</summary>
internal sealed class ServerCatalogState(string server)
{
    // Enough for every withheld definition of a server; past it, a withholding may be audited once more.
    private const int MaxAudited = 10_000;

    // After the store failed, how long before this process tries it again: a store that cannot be reached is tried
    // once in this long, not on every call.
    private static readonly TimeSpan s_retryAfterFailure = TimeSpan.FromSeconds(2);

    private readonly Lock _claims = new();
    private readonly HashSet<(string Tool, string Hash, string? PinHash)> _auditedWithholdings = [];
    private long _generation;
    private DateTimeOffset _pinsReadAt = DateTimeOffset.MinValue;
    private DateTimeOffset _failedAt = DateTimeOffset.MinValue;

    public string Server { get; } = server;

    /// <summary>Held while a view is made or the pins change, so that one listing is recorded and pinned once.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public bool Loaded { get; private set; }

    public IReadOnlyDictionary<string, ToolPin> Pins { get; private set; } = new Dictionary<string, ToolPin>();

    /// <summary>Bumped whenever the pins change, so that every view made from older pins is made again.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>What this process last recorded of each kind, so that an unchanged listing writes nothing.</summary>
    public ConcurrentDictionary<CatalogKind, IReadOnlyList<ListedItem>> Recorded { get; } = new();

    /// <summary>
    /// Whether the caller should read the pins again: they are older than <paramref name="interval"/>, nobody else is
    /// reading them, and the store did not just fail. A claim counts as a read.
    /// </summary>
    public bool TryClaimRefresh(DateTimeOffset now, TimeSpan interval)
    {
        lock (_claims)
        {
            if (now - _pinsReadAt < interval || RecentlyFailed(now))
            {
                return false;
            }

            _pinsReadAt = now;
            return true;
        }
    }

    /// <summary>Whether the store failed so recently that it is not worth trying again yet.</summary>
    public bool RecentlyFailed(DateTimeOffset now)
    {
        lock (_claims)
        {
            return now - _failedAt < s_retryAfterFailure;
        }
    }

    public void StoreFailed(DateTimeOffset now)
    {
        lock (_claims)
        {
            _failedAt = now;
        }
    }

    public void SetPins(IReadOnlyDictionary<string, ToolPin> pins)
    {
        var changed = !Loaded || pins.Count != Pins.Count || pins.Any(pin => !Pins.TryGetValue(pin.Key, out var known) || known != pin.Value);
        Pins = pins;
        Loaded = true;
        if (changed)
        {
            Interlocked.Increment(ref _generation);
        }
    }

    /// <summary>
    /// Whether the caller is the one to audit withholding <paramref name="standing"/>: this process has not audited
    /// this definition against this pin yet. A withholding is audited each time a tool moves into it, not only for
    /// definitions new to the history (a server may go back to an older one).
    /// </summary>
    public bool TryClaimAudit(ToolStanding standing)
    {
        lock (_auditedWithholdings)
        {
            if (_auditedWithholdings.Count >= MaxAudited)
            {
                _auditedWithholdings.Clear();
            }

            return _auditedWithholdings.Add(Key(standing));
        }
    }

    /// <summary>The audit of <paramref name="standing"/> failed: the next view tries again.</summary>
    public void AuditFailed(ToolStanding standing)
    {
        lock (_auditedWithholdings)
        {
            _auditedWithholdings.Remove(Key(standing));
        }
    }

    private static (string, string, string?) Key(ToolStanding standing) => (standing.Definition.Name, standing.Definition.Hash, standing.Pin?.Hash);
}
