using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Gatehouse.Audit;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay;

/// <summary>
/// Gatehouse's metrics and traces, through <see cref="System.Diagnostics"/> so that any OpenTelemetry exporter
/// (Prometheus, OTLP) can take them: decisions by outcome, tool and server, and how long upstreams take.
/// </summary>
public sealed class GatehouseTelemetry : IDisposable
{
    /// <summary>The name of the <see cref="Meter"/> and the <see cref="ActivitySource"/>.</summary>
    public const string Name = "Gatehouse";

    private readonly Meter _meter;
    private readonly Counter<long> _decisions;
    private readonly Histogram<double> _upstreamDuration;

    public GatehouseTelemetry(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _meter = meters.Create(Name);
        _decisions = _meter.CreateCounter<long>("gatehouse.decisions", unit: "{decision}",
            description: "Requests decided by policy, by decision, server, method and tool.");
        _upstreamDuration = _meter.CreateHistogram<double>("gatehouse.upstream.duration", unit: "s",
            description: "How long upstream servers took to answer the requests Gatehouse let through, by server, method and outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
    }

    /// <summary>Traces each decided request, from its arrival to its answer.</summary>
    public static ActivitySource Source { get; } = new(Name);

    /// <summary>
    /// Starts the span of a decided request, as a root: the ambient activity is whatever HTTP request opened the
    /// session, not this call's. Nor is the span made ambient: the session goes on to other messages while this
    /// request waits, and they must not appear as its children.
    /// </summary>
    public static Activity? StartCall(string server, JsonRpcRequest request)
    {
        var ambient = Activity.Current;
        Activity.Current = null;
        var activity = Source.StartActivity(request.Method, ActivityKind.Server);
        Activity.Current = ambient;
        activity?.SetTag("mcp.server", server);
        activity?.SetTag("mcp.method", request.Method);
        activity?.SetTag("jsonrpc.request.id", request.Id.ToString());
        return activity;
    }

    /// <summary>The most distinct values a dimension the caller chooses (a tool's or a method's name) takes; the rest count as <see cref="Other"/>.</summary>
    public const int MaxDistinctValues = 256;

    /// <summary>The value of a dimension past <see cref="MaxDistinctValues"/>.</summary>
    public const string Other = "(other)";

    private readonly BoundedValues _methods = new();
    private readonly BoundedValues _tools = new();

    // An agent names the tool and the method it asks for: bounded, so that calls to made-up names cannot grow the
    // metrics (and every scrape) without end.
    public void Decided(AuditEvent decision) =>
        _decisions.Add(1, new("decision", decision.Decision), new("server", decision.Server), new("method", _methods.Of(decision.Method)),
            new("tool", _tools.Of(ToolOf(decision))));

    public void Answered(AuditEvent outcome, TimeSpan latency) =>
        _upstreamDuration.Record(latency.TotalSeconds, new("server", outcome.Server), new("method", outcome.Method), new("outcome", outcome.Outcome));

    public void Dispose() => _meter.Dispose();

    // Tool and prompt names are few; resource uris are unbounded, so they are not a metric dimension.
    private static string? ToolOf(AuditEvent record) =>
        record.Method is RequestMethods.ToolsCall or RequestMethods.PromptsGet ? record.Target : null;

    /// <summary>The first <see cref="MaxDistinctValues"/> values seen, each itself; any later one, <see cref="Other"/>.</summary>
    private sealed class BoundedValues
    {
        private readonly ConcurrentDictionary<string, bool> _seen = new(StringComparer.Ordinal);

        public string? Of(string? value)
        {
            if (value is null || _seen.ContainsKey(value))
            {
                return value;
            }

            if (_seen.Count >= MaxDistinctValues)
            {
                return Other;
            }

            // Callers racing for the last places may pass the bound by a few: a bound, not an exact count.
            _seen.TryAdd(value, true);
            return value;
        }
    }
}
