using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Gatehouse.Audit;
using Gatehouse.Configuration;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Catalog;

/// <summary>
/// The catalog as the gateway and the CLI use it: records what each server lists (with history), classifies and
/// scans each tool, pins the first definition of each tool seen, and withholds a tool whose definition changed
/// or was flagged until an operator accepts it.
/// </summary>
public sealed partial class ToolCatalog(ICatalogStore store, IAuditLog audit, GatehouseConfig config, TimeProvider time, ILogger<ToolCatalog> logger)
{
    // How stale the pins a withheld tool is judged by may be: an operator's accept, given in another process, takes
    // effect within this long. Usable tools never wait on the store.
    private static readonly TimeSpan s_pinRefresh = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, ServerState> _servers = new(StringComparer.Ordinal);

    // Keyed by the listing and the tool objects a session holds, so that a call looks its tool up without hashing or
    // scanning it again; they are forgotten with the session.
    private readonly ConditionalWeakTable<object, CatalogView> _views = new();
    private readonly ConditionalWeakTable<JsonObject, Assessment> _assessments = new();

    /// <summary>The standing of every tool of <paramref name="tools"/>, a complete listing of <paramref name="server"/>'s tools by name.</summary>
    public async ValueTask<CatalogView> ViewAsync(string server, IReadOnlyDictionary<string, JsonObject> tools, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tools);
        var state = _servers.GetOrAdd(server, name => new ServerState(name));
        if (_views.TryGetValue(tools, out var known) && known.Generation == state.Generation && !(known.AnyWithheld && state.PinsStale(time)))
        {
            return known;
        }

        await state.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var view = await ViewLockedAsync(state, tools, cancellationToken).ConfigureAwait(false);
            _views.AddOrUpdate(tools, view);
            return view;
        }
        finally
        {
            state.Gate.Release();
        }
    }

    /// <summary>Records a complete listing of resources, resource templates or prompts; a failure is logged, since nothing is decided by it.</summary>
    public async Task ObserveAsync(string server, CatalogKind kind, IReadOnlyList<JsonObject> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        var listed = items.Select(item => CatalogEntries.Listed(kind, item)).OfType<ListedItem>().ToList();
        var state = _servers.GetOrAdd(server, name => new ServerState(name));
        if (state.Recorded.TryGetValue(kind, out var recorded) && CatalogEntries.Same(recorded, listed))
        {
            return;
        }

        try
        {
            await store.RecordListingAsync(server, kind, listed, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            state.Recorded[kind] = listed;
        }
        catch (CatalogUnavailableException e)
        {
            LogNotRecorded(logger, CatalogKinds.Name(kind), server, e.Message);
        }
    }

    /// <summary>What the store says of <paramref name="server"/> now: each tool it lists with its standing, and its other items.</summary>
    public async Task<CatalogReport> ReportAsync(string server, CancellationToken cancellationToken)
    {
        var stored = await store.LoadAsync(server, cancellationToken).ConfigureAwait(false);
        var tools = stored.Current.Where(item => item.Kind == CatalogKind.Tool)
            .Select(item => (Item: item, Definition: ToolDefinition.Parse(item.Definition))).ToList();
        var names = tools.Select(tool => tool.Definition.Name).ToList();
        var standings = tools
            .Select(tool => Stand(server, Assess(server, tool.Definition, names), stored.Pins.GetValueOrDefault(tool.Definition.Name)))
            .OrderBy(standing => standing.Definition.Name, StringComparer.Ordinal)
            .ToList();
        return new CatalogReport(server, standings, [.. stored.Current.Where(item => item.Kind != CatalogKind.Tool)]);
    }

    /// <summary>
    /// What accepting <paramref name="tool"/>'s current definition would change: the definition in force and the one
    /// listed now. Null when the server does not list such a tool.
    /// </summary>
    public async Task<PendingAcceptance?> PendingAsync(string server, string tool, CancellationToken cancellationToken)
    {
        var report = await ReportAsync(server, cancellationToken).ConfigureAwait(false);
        if (report.Tools.FirstOrDefault(standing => standing.Definition.Name == tool) is not { } standing)
        {
            return null;
        }

        var pinned = standing.Pin is { } pin
            ? (await store.HistoryAsync(server, CatalogKind.Tool, tool, cancellationToken).ConfigureAwait(false))
                .FirstOrDefault(item => item.Hash == pin.Hash)?.Definition
            : null;
        return new PendingAcceptance(standing, pinned);
    }

    /// <summary>
    /// Pins <paramref name="tool"/>'s current definition, reviewed by <paramref name="by"/>, and records that in the
    /// audit log. With <paramref name="expectedHash"/>, only that definition: one the server listed after the person
    /// looked is not accepted unseen.
    /// </summary>
    public async Task<AcceptResult> AcceptAsync(string server, string tool, string by, string? expectedHash, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(by);
        var report = await ReportAsync(server, cancellationToken).ConfigureAwait(false);
        if (report.Tools.FirstOrDefault(standing => standing.Definition.Name == tool) is not { } standing)
        {
            return new AcceptResult(AcceptOutcome.NoSuchTool, null);
        }

        if (expectedHash is not null && expectedHash != standing.Definition.Hash)
        {
            return new AcceptResult(AcceptOutcome.ChangedMeanwhile, standing);
        }

        var pin = new ToolPin(server, tool, standing.Definition.Hash, time.GetUtcNow(), by, Reviewed: true);
        await store.AcceptAsync(pin, cancellationToken).ConfigureAwait(false);
        await audit.RecordAsync(Event(server, tool, AuditDecisions.Accepted,
            $"{by} accepted definition {Short(pin.Hash)} of tool '{tool}'" + (standing.Pin is { } old && old.Hash != pin.Hash ? $" in place of {Short(old.Hash)}" : "")) with
        { Identity = by },
            cancellationToken).ConfigureAwait(false);
        if (_servers.TryGetValue(server, out var state))
        {
            await state.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                state.SetPins(new Dictionary<string, ToolPin>(state.Pins, StringComparer.Ordinal) { [tool] = pin }, time.GetUtcNow());
            }
            finally
            {
                state.Gate.Release();
            }
        }

        return new AcceptResult(AcceptOutcome.Accepted, standing with { Pin = pin, State = ToolPinState.Pinned });
    }

    private async Task<CatalogView> ViewLockedAsync(ServerState state, IReadOnlyDictionary<string, JsonObject> tools, CancellationToken cancellationToken)
    {
        var assessments = new List<Assessment>();
        foreach (var (name, tool) in tools)
        {
            if (AssessListed(state.Server, tool, tools.Keys) is { } assessment)
            {
                assessments.Add(assessment);
            }
            else
            {
                // Left out of the view: the gateway then hides it and refuses calls to it, as to a tool that does not exist.
                LogUnreadable(logger, name, state.Server);
            }
        }

        var withheldSoon = assessments.Any(a => StateOf(a, state.Pins.GetValueOrDefault(a.Definition.Name)) != ToolPinState.Pinned);
        if (!state.Loaded || (withheldSoon && state.PinsStale(time)))
        {
            try
            {
                var stored = await store.LoadAsync(state.Server, cancellationToken).ConfigureAwait(false);
                state.SetPins(stored.Pins, time.GetUtcNow());
                state.Recorded[CatalogKind.Tool] = [.. stored.Current.Where(item => item.Kind == CatalogKind.Tool).Select(item => new ListedItem(item.Name, item.Hash, item.Definition))];
            }
            catch (CatalogUnavailableException e) when (!state.Loaded)
            {
                // Fail closed: without the pins, no definition can be told from a rug pull.
                LogUnavailable(logger, state.Server, e.Message);
                return new CatalogView(assessments.Select(a => Stand(state.Server, a, pin: null, Unchecked(a))), generation: -1);
            }
            catch (CatalogUnavailableException e)
            {
                LogUnavailable(logger, state.Server, e.Message);
            }
        }

        var newVersions = await RecordToolsAsync(state, assessments, cancellationToken).ConfigureAwait(false);
        var unpinnable = await PinFirstSeenAsync(state, assessments, cancellationToken).ConfigureAwait(false);
        var standings = assessments.Select(a => unpinnable.Contains(a.Definition.Name)
            ? Stand(state.Server, a, pin: null, Unchecked(a))
            : Stand(state.Server, a, state.Pins.GetValueOrDefault(a.Definition.Name))).ToList();
        foreach (var withheld in standings.Where(s => s.State is ToolPinState.Changed or ToolPinState.Flagged && newVersions.Contains(s.Definition.Hash)))
        {
            audit.Post(Event(state.Server, withheld.Definition.Name, AuditDecisions.Withheld, withheld.WithheldBecause!));
        }

        return new CatalogView(standings, unpinnable.Count > 0 ? -1 : state.Generation);
    }

    // Recorded only when the listing differs from what this process last recorded; the store tells which definitions
    // are new to the history, once across every process, so that each new definition is audited once.
    private async Task<HashSet<string>> RecordToolsAsync(ServerState state, List<Assessment> assessments, CancellationToken cancellationToken)
    {
        var listed = assessments.Select(a => new ListedItem(a.Definition.Name, a.Definition.Hash, CanonicalJson.Write(a.Definition.Pinned))).ToList();
        if (state.Recorded.TryGetValue(CatalogKind.Tool, out var recorded) && CatalogEntries.Same(recorded, listed))
        {
            return [];
        }

        try
        {
            var added = await store.RecordListingAsync(state.Server, CatalogKind.Tool, listed, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            state.Recorded[CatalogKind.Tool] = listed;
            return [.. added.Select(item => item.Hash)];
        }
        catch (CatalogUnavailableException e)
        {
            LogNotRecorded(logger, "tool", state.Server, e.Message);
            return [];
        }
    }

    // Clean tools never seen before are pinned as they are; returns the tools that could not be pinned.
    private async Task<HashSet<string>> PinFirstSeenAsync(ServerState state, List<Assessment> assessments, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var first = assessments
            .Where(a => a.Findings.Count == 0 && !state.Pins.ContainsKey(a.Definition.Name))
            .Select(a => new ToolPin(state.Server, a.Definition.Name, a.Definition.Hash, now, ToolPin.FirstSeen, Reviewed: false))
            .ToList();
        if (first.Count == 0)
        {
            return [];
        }

        try
        {
            var pinned = await store.PinFirstSeenAsync(first, cancellationToken).ConfigureAwait(false);
            var pins = new Dictionary<string, ToolPin>(state.Pins, StringComparer.Ordinal);
            foreach (var pin in pinned)
            {
                pins[pin.Tool] = pin;
                audit.Post(Event(state.Server, pin.Tool, AuditDecisions.Pinned, $"first definition seen of tool '{pin.Tool}' pinned as {Short(pin.Hash)}"));
            }

            if (pinned.Count < first.Count)
            {
                // Another Gatehouse pinned some first: its pins are the ones in force.
                pins = new Dictionary<string, ToolPin>((await store.LoadAsync(state.Server, cancellationToken).ConfigureAwait(false)).Pins, StringComparer.Ordinal);
            }

            state.SetPins(pins, now);
            return [];
        }
        catch (CatalogUnavailableException e)
        {
            LogUnavailable(logger, state.Server, e.Message);
            return [.. first.Select(pin => pin.Tool)];
        }
    }

    private Assessment? AssessListed(string server, JsonObject tool, IEnumerable<string> names)
    {
        if (_assessments.TryGetValue(tool, out var known))
        {
            return known;
        }

        if (ToolDefinition.FromJson(tool) is not { } definition)
        {
            return null;
        }

        var assessment = Assess(server, definition, names);
        _assessments.AddOrUpdate(tool, assessment);
        return assessment;
    }

    private Assessment Assess(string server, ToolDefinition definition, IEnumerable<string> names)
    {
        var others = names.Where(name => name != definition.Name).ToList();
        var classification = config.McpServers.GetValueOrDefault(server)?.ToolClasses.GetValueOrDefault(definition.Name) is { } set
            ? Overridden(set)
            : ToolClassifier.Classify(definition);
        return new Assessment(definition, classification, PoisoningScanner.Scan(definition, others));
    }

    private static ToolClassification Overridden(ToolClassOverride set)
    {
        var label = $"{set.Category.ToString().ToLowerInvariant()}, {set.Risk.ToString().ToLowerInvariant()}";
        return new ToolClassification(set.Category, set.Risk, $"{set.Reason ?? "Set by the operator in the configuration."} (the operator's class) → {label}");
    }

    private static ToolStanding Stand(string server, Assessment assessment, ToolPin? pin, ToolPinState? state = null) =>
        new(server, assessment.Definition, assessment.Classification, assessment.Findings, pin, state ?? StateOf(assessment, pin));

    // A tool whose definition cannot be checked against its pin: withheld (fail closed) unless the operator chose
    // catalog.failOpen; a definition the scan flags stays withheld either way, since the scan needs no store.
    private ToolPinState Unchecked(Assessment assessment) =>
        assessment.Findings.Count > 0 ? ToolPinState.Flagged
        : config.Catalog.FailOpen ? ToolPinState.Unchecked
        : ToolPinState.Unavailable;

    private static ToolPinState StateOf(Assessment assessment, ToolPin? pin) => pin switch
    {
        null => assessment.Findings.Count > 0 ? ToolPinState.Flagged : ToolPinState.Pinned,
        _ when pin.Hash != assessment.Definition.Hash => ToolPinState.Changed,
        _ when assessment.Findings.Count > 0 && !pin.Reviewed => ToolPinState.Flagged,
        _ => ToolPinState.Pinned,
    };

    private AuditEvent Event(string server, string tool, string decision, string reason) => new()
    {
        Time = time.GetUtcNow(),
        Kind = AuditKinds.Catalog,
        Server = server,
        Target = tool,
        Decision = decision,
        Rule = "catalog",
        Reason = reason,
    };

    private static string Short(string hash) => hash[..12];

    [LoggerMessage(Level = LogLevel.Error, Message = "The tool catalog of server '{Server}' cannot be reached; its tools are checked against the pins last read, or else withheld (used unchecked with catalog.failOpen): {Error}")]
    private static partial void LogUnavailable(ILogger logger, string server, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tool '{Tool}' of server '{Server}' has a definition that cannot be read (no name, or text that is not valid UTF-16); it is withheld")]
    private static partial void LogUnreadable(ILogger logger, string tool, string server);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A {Kind} listing of server '{Server}' could not be recorded in the catalog; it is tried again at the next listing: {Error}")]
    private static partial void LogNotRecorded(ILogger logger, string kind, string server, string error);

    private sealed record Assessment(ToolDefinition Definition, ToolClassification Classification, IReadOnlyList<PoisoningFinding> Findings);

    private sealed class ServerState(string server)
    {
        private long _generation;

        public string Server { get; } = server;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public bool Loaded { get; private set; }

        public IReadOnlyDictionary<string, ToolPin> Pins { get; private set; } = new Dictionary<string, ToolPin>();

        public DateTimeOffset PinsReadAt { get; private set; }

        /// <summary>Bumped whenever the pins change, so that every view made from older pins is made again.</summary>
        public long Generation => Interlocked.Read(ref _generation);

        /// <summary>What this process last recorded of each kind, so that an unchanged listing writes nothing.</summary>
        public ConcurrentDictionary<CatalogKind, IReadOnlyList<ListedItem>> Recorded { get; } = new();

        public bool PinsStale(TimeProvider time) => time.GetUtcNow() - PinsReadAt >= s_pinRefresh;

        public void SetPins(IReadOnlyDictionary<string, ToolPin> pins, DateTimeOffset readAt)
        {
            Pins = pins;
            PinsReadAt = readAt;
            Loaded = true;
            Interlocked.Increment(ref _generation);
        }
    }
}

/// <summary>What the catalog holds of one server.</summary>
public sealed record CatalogReport(string Server, IReadOnlyList<ToolStanding> Tools, IReadOnlyList<CatalogItem> OtherItems);

/// <summary>A tool an operator may accept: its standing, and the pinned definition's JSON (null when it has no pin).</summary>
public sealed record PendingAcceptance(ToolStanding Standing, string? PinnedDefinition);

/// <summary>What <see cref="ToolCatalog.AcceptAsync"/> did.</summary>
public enum AcceptOutcome
{
    /// <summary>The definition is pinned, reviewed: the tool may be used.</summary>
    Accepted,

    /// <summary>The server lists no such tool.</summary>
    NoSuchTool,

    /// <summary>The server lists another definition than the one the person was shown; nothing was pinned.</summary>
    ChangedMeanwhile,
}

/// <summary>The outcome of accepting a tool's definition, and the tool as it stands after (null when there is no such tool).</summary>
public sealed record AcceptResult(AcceptOutcome Outcome, ToolStanding? Tool);
