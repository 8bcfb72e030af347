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
    // How long a withheld tool may be judged by the pins read before: an accept given in another process (another
    // replica, the command line) takes effect within it.
    private static readonly TimeSpan s_withheldRefresh = TimeSpan.FromSeconds(2);

    // How long any tool may: a pin changed elsewhere reaches every replica within it.
    private static readonly TimeSpan s_pinRefresh = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, ServerCatalogState> _servers = new(StringComparer.Ordinal);
    private readonly ToolAssessor _assessor = new(config);

    // Keyed by the listing a session holds, so that a call looks its tool up without judging the listing again;
    // forgotten with the session.
    private readonly ConditionalWeakTable<object, CatalogView> _views = new();

    /// <summary>The standing of every tool of <paramref name="tools"/>, a complete listing of <paramref name="server"/>'s tools by name.</summary>
    public async ValueTask<CatalogView> ViewAsync(string server, IReadOnlyDictionary<string, JsonObject> tools, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tools);
        var state = State(server);
        var refresh = false;
        if (_views.TryGetValue(tools, out var known) && known.Generation == state.Generation)
        {
            // Usable tools never wait on the store: one caller reads the pins again, the others keep this view meanwhile.
            if (!state.TryClaimRefresh(time.GetUtcNow(), known.AnyWithheld ? s_withheldRefresh : s_pinRefresh))
            {
                return known;
            }

            refresh = true;
        }

        CatalogView view;
        await state.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            view = await ViewLockedAsync(state, tools, refresh, cancellationToken).ConfigureAwait(false);
            if (view.Generation != CatalogView.Unsettled)
            {
                _views.AddOrUpdate(tools, view);
            }
        }
        finally
        {
            state.Gate.Release();
        }

        await AuditWithholdingsAsync(state, view, cancellationToken).ConfigureAwait(false);
        return view;
    }

    /// <summary>Records a complete listing of resources, resource templates or prompts; a failure is logged, since nothing is decided by it.</summary>
    public async Task ObserveAsync(string server, CatalogKind kind, IReadOnlyList<JsonObject> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        var listed = items.Select(item => CatalogEntries.Listed(kind, item)).OfType<ListedItem>().ToList();
        await RecordAsync(State(server), kind, listed, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What the store says of <paramref name="server"/> now: each tool it lists with its standing, and its other items.</summary>
    public async Task<CatalogReport> ReportAsync(string server, CancellationToken cancellationToken)
    {
        var stored = await store.LoadAsync(server, cancellationToken).ConfigureAwait(false);
        var tools = stored.Current.Where(item => item.Kind == CatalogKind.Tool)
            .Select(item => (Item: item, Definition: ToolDefinition.Parse(item.Definition))).ToList();
        var names = tools.Select(tool => tool.Definition.Name).ToList();
        var standings = tools
            .Select(tool => Stand(server, _assessor.Assess(server, tool.Definition, names), stored.Pins.GetValueOrDefault(tool.Definition.Name)))
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
        if (await StandingAsync(server, tool, cancellationToken).ConfigureAwait(false) is not { } standing)
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
    /// Pins <paramref name="tool"/>'s current definition, reviewed by <paramref name="by"/>, recorded in the audit log
    /// first: an accept the log cannot record does not take effect. Only the definition whose hash is
    /// <paramref name="expectedHash"/>: one the server listed after the person looked is not accepted unseen.
    /// </summary>
    public async Task<AcceptResult> AcceptAsync(string server, string tool, string by, string expectedHash, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(by);
        ArgumentNullException.ThrowIfNull(expectedHash);
        if (await StandingAsync(server, tool, cancellationToken).ConfigureAwait(false) is not { } standing)
        {
            return new AcceptResult(AcceptOutcome.NoSuchTool, null);
        }

        if (expectedHash != standing.Definition.Hash)
        {
            return new AcceptResult(AcceptOutcome.ChangedMeanwhile, standing);
        }

        var pin = new ToolPin(server, tool, standing.Definition.Hash, time.GetUtcNow(), by, Reviewed: true);
        var replaced = standing.Pin is { } old && old.Hash != pin.Hash ? $" in place of {Short(old.Hash)}" : "";
        await audit.RecordAsync(Event(server, tool, AuditDecisions.Accepted, $"{by} accepted definition {Short(pin.Hash)} of tool '{tool}'{replaced}") with
        {
            Identity = by,
        }, cancellationToken).ConfigureAwait(false);
        await store.AcceptAsync(pin, cancellationToken).ConfigureAwait(false);
        var state = State(server);
        await state.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (state.Loaded)
            {
                state.SetPins(new Dictionary<string, ToolPin>(state.Pins, StringComparer.Ordinal) { [tool] = pin });
            }
        }
        finally
        {
            state.Gate.Release();
        }

        return new AcceptResult(AcceptOutcome.Accepted, standing with { Pin = pin, State = ToolPinState.Pinned });
    }

    private async Task<ToolStanding?> StandingAsync(string server, string tool, CancellationToken cancellationToken) =>
        (await ReportAsync(server, cancellationToken).ConfigureAwait(false)).Tools.FirstOrDefault(standing => standing.Definition.Name == tool);

    private ServerCatalogState State(string server) => _servers.GetOrAdd(server, name => new ServerCatalogState(name));

    private async Task<CatalogView> ViewLockedAsync(ServerCatalogState state, IReadOnlyDictionary<string, JsonObject> tools, bool refresh,
        CancellationToken cancellationToken)
    {
        var unreadable = new List<string>();
        var assessments = _assessor.AssessListing(state.Server, tools, unreadable);
        foreach (var name in unreadable)
        {
            // Left out of the view: the gateway then hides it and refuses calls to it, as to a tool that does not exist.
            LogUnreadable(logger, name, state.Server);
        }

        // Pins read afresh before a tool is withheld for a difference from them: another process may have changed them.
        var withheldSoon = assessments.Any(a => StateOf(a, state.Pins.GetValueOrDefault(a.Definition.Name)) != ToolPinState.Pinned);
        if (refresh || ((!state.Loaded || withheldSoon) && state.TryClaimRefresh(time.GetUtcNow(), s_withheldRefresh)))
        {
            try
            {
                var stored = await store.LoadAsync(state.Server, cancellationToken).ConfigureAwait(false);
                state.SetPins(stored.Pins);
                state.Recorded[CatalogKind.Tool] = [.. stored.Current.Where(item => item.Kind == CatalogKind.Tool).Select(item => new ListedItem(item.Name, item.Hash, item.Definition))];
            }
            catch (CatalogUnavailableException e)
            {
                state.StoreFailed(time.GetUtcNow());
                LogUnavailable(logger, state.Server, e.Message);
            }
        }

        if (!state.Loaded)
        {
            // Fail closed: without the pins, no definition can be told from a rug pull.
            return new CatalogView(assessments.Select(a => Stand(state.Server, a, pin: null, Unchecked(a))), CatalogView.Unsettled);
        }

        var listed = assessments.Select(a => new ListedItem(a.Definition.Name, a.Definition.Hash, CanonicalJson.Write(a.Definition.Pinned))).ToList();
        await RecordAsync(state, CatalogKind.Tool, listed, cancellationToken).ConfigureAwait(false);
        var unpinnable = await PinFirstSeenAsync(state, assessments, cancellationToken).ConfigureAwait(false);
        var standings = assessments.Select(a => unpinnable.Contains(a.Definition.Name)
            ? Stand(state.Server, a, pin: null, Unchecked(a))
            : Stand(state.Server, a, state.Pins.GetValueOrDefault(a.Definition.Name))).ToList();
        return new CatalogView(standings, unpinnable.Count > 0 ? CatalogView.Unsettled : state.Generation);
    }

    // Durably, and outside the server's gate: the tool is withheld whether or not the record can be written, and a
    // record that could not be is tried again at the next view.
    private async Task AuditWithholdingsAsync(ServerCatalogState state, CatalogView view, CancellationToken cancellationToken)
    {
        foreach (var withheld in view.Standings.Where(s => s.State is ToolPinState.Changed or ToolPinState.Flagged && state.TryClaimAudit(s)))
        {
            try
            {
                await audit.RecordAsync(Event(state.Server, withheld.Definition.Name, AuditDecisions.Withheld, withheld.WithheldBecause!), cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (Exception e) when (e is AuditUnavailableException or OperationCanceledException)
            {
                state.AuditFailed(withheld);
                LogWithholdingNotAudited(logger, withheld.Definition.Name, state.Server, e.Message);
            }
        }
    }

    // Recorded only when the listing differs from what this process last recorded, and not while the store is
    // known to be down.
    private async Task RecordAsync(ServerCatalogState state, CatalogKind kind, List<ListedItem> listed, CancellationToken cancellationToken)
    {
        if ((state.Recorded.TryGetValue(kind, out var recorded) && CatalogEntries.Same(recorded, listed)) || state.RecentlyFailed(time.GetUtcNow()))
        {
            return;
        }

        try
        {
            await store.RecordListingAsync(state.Server, kind, listed, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            state.Recorded[kind] = listed;
        }
        catch (CatalogUnavailableException e)
        {
            state.StoreFailed(time.GetUtcNow());
            LogNotRecorded(logger, CatalogKinds.Name(kind), state.Server, e.Message);
        }
    }

    // Clean tools never seen before are pinned as they are; returns the tools that could not be pinned.
    private async Task<HashSet<string>> PinFirstSeenAsync(ServerCatalogState state, List<Assessment> assessments, CancellationToken cancellationToken)
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

        if (state.RecentlyFailed(now))
        {
            return [.. first.Select(pin => pin.Tool)];
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

            state.SetPins(pins);
            return [];
        }
        catch (CatalogUnavailableException e)
        {
            state.StoreFailed(now);
            LogUnavailable(logger, state.Server, e.Message);
            return [.. first.Select(pin => pin.Tool)];
        }
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tool '{Tool}' of server '{Server}' has a definition that cannot be read (no name, text that is not valid UTF-16, a key written twice or in another case); it is withheld")]
    private static partial void LogUnreadable(ILogger logger, string tool, string server);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A {Kind} listing of server '{Server}' could not be recorded in the catalog; it is tried again at the next listing: {Error}")]
    private static partial void LogNotRecorded(ILogger logger, string kind, string server, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Tool '{Tool}' of server '{Server}' is withheld, but the audit log could not record it; it is tried again at the next listing: {Error}")]
    private static partial void LogWithholdingNotAudited(ILogger logger, string tool, string server, string error);
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
