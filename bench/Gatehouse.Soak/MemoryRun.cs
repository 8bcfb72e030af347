using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Gatehouse.Testing;
using Gatehouse.TestServer;

namespace Gatehouse.Soak;

/// <summary>A way to run the gateway, compared with the others in one run: a name and what it sets in the gateway's environment.</summary>
internal sealed record MemoryVariant(string Label, IReadOnlyDictionary<string, string?> Environment)
{
    /// <summary>The gateway as it ships, nothing set.</summary>
    public static MemoryVariant AsShipped { get; } = new("as shipped", new Dictionary<string, string?>());

    /// <summary>Reads <c>label:NAME=VALUE,NAME=VALUE</c>; an empty value removes the variable.</summary>
    public static MemoryVariant Parse(string text)
    {
        var (label, rest) = text.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0 ? (text[..colon], text[(colon + 1)..]) : (text, "");
        var environment = rest.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(p => p[0], p => p.Length == 2 && p[1].Length > 0 ? p[1] : null);
        return new MemoryVariant(label, environment);
    }

    public string Describe() => Environment.Count == 0 ? "nothing set" : string.Join(", ", Environment.Select(e => $"`{e.Key}={e.Value}`"));
}

/// <summary>The gateway's memory at one point: the kernel's figures from <c>/proc</c>, the GC's from its <c>/metrics</c>.</summary>
internal sealed record MemorySample(long ResidentKilobytes, long AnonymousKilobytes, long FileKilobytes, double HeapBytes, double CommittedBytes, double Collections);

/// <summary>One variant's figures: before any session, with every session open, and once they are all closed.</summary>
internal sealed record MemoryResult(MemoryVariant Variant, int Sessions, bool Listening, MemorySample Start, MemorySample Open, MemorySample Closed, TimeSpan OpenTime)
{
    /// <summary>Resident memory the open sessions added, per session, in KiB.</summary>
    public double PerSessionKilobytes => (Open.ResidentKilobytes - Start.ResidentKilobytes) / (double)Sessions;
}

/// <summary>
/// Opens many idle sessions through <c>gatehouse serve</c> to an HTTP upstream and reads what they cost: the
/// figure an operator sizes a gateway's memory by.
/// </summary>
internal static class MemoryRun
{
    private const int Concurrency = 16;
    private static readonly TimeSpan s_quiet = TimeSpan.FromSeconds(3);

    public static async Task<MemoryResult> RunAsync(MemoryVariant variant, int sessions, bool listening, TimeSpan settle, Action<string> progress)
    {
        await using var upstream = await TestServerHost.StartAsync();
        using var directory = new TestDirectory();
        var config = GatewayConfigFile.Write(directory, Upstreams.Servers(("echo", Upstreams.Http(upstream.McpUrl).With("maxSessions", sessions))),
            sections: new JsonObject { ["telemetry"] = new JsonObject { ["prometheus"] = true } });
        await using var gateway = await GatehouseProcess.StartAsync(config, variant.Environment);
        using var client = new RawMcpClient(gateway.McpUrl("echo"));
        progress($"[{variant.Label}] gateway started (pid {gateway.Id})");

        await Task.Delay(s_quiet);
        var start = await SampleAsync(gateway, client);
        var opening = Stopwatch.StartNew();
        var ids = await ForEachAsync(Enumerable.Range(0, sessions), _ => client.OpenSessionAsync());
        var streams = listening ? await ForEachAsync(ids, id => OpenEventStreamAsync(client, id)) : [];
        var openTime = opening.Elapsed;
        await Task.Delay(s_quiet);
        var open = await SampleAsync(gateway, client);
        streams.ForEach(s => s.Dispose());
        progress($"[{variant.Label}] {sessions} sessions open in {openTime.TotalSeconds:0.0} s: {open.ResidentKilobytes / 1024.0:0.0} MiB resident");

        await ForEachAsync(ids, async id =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Delete, client.Endpoint);
            request.Headers.Add("Mcp-Session-Id", id);
            using var response = await client.SendAsync(request);
            return response.IsSuccessStatusCode ? id : throw new InvalidOperationException($"DELETE of session {id} got {response.StatusCode}");
        });
        await Task.Delay(settle);
        var closed = await SampleAsync(gateway, client);
        progress($"[{variant.Label}] all closed, {settle.TotalSeconds:0} s later: {closed.ResidentKilobytes / 1024.0:0.0} MiB resident");
        return new MemoryResult(variant, sessions, listening, start, open, closed, openTime);
    }

    private static async Task<HttpResponseMessage> OpenEventStreamAsync(RawMcpClient client, string sessionId)
    {
        var response = await client.SendAsync(client.Get(sessionId), HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            response.Dispose();
            throw new InvalidOperationException($"GET of session {sessionId} got {response.StatusCode}");
        }

        return response;
    }

    private static async Task<List<T>> ForEachAsync<TIn, T>(IEnumerable<TIn> items, Func<TIn, Task<T>> action)
    {
        using var gate = new SemaphoreSlim(Concurrency);
        return [.. await Task.WhenAll(items.Select(async item =>
        {
            await gate.WaitAsync();
            try
            {
                return await action(item);
            }
            finally
            {
                gate.Release();
            }
        }))];
    }

    private static async Task<MemorySample> SampleAsync(GatehouseProcess gateway, RawMcpClient client)
    {
        using var scrape = new HttpRequestMessage(HttpMethod.Get, new Uri(gateway.BaseUrl, "/metrics"));
        using var response = await client.SendAsync(scrape);
        var metrics = await response.Content.ReadAsStringAsync();
        return new MemorySample(
            ProcessProbe.StatusKilobytes(gateway.Id, "VmRSS"), ProcessProbe.StatusKilobytes(gateway.Id, "RssAnon"), ProcessProbe.StatusKilobytes(gateway.Id, "RssFile"),
            Sum(metrics, "dotnet_gc_last_collection_heap_size_bytes"), Sum(metrics, "dotnet_gc_last_collection_memory_committed_size_bytes"),
            Sum(metrics, "dotnet_gc_collections_total"));
    }

    /// <summary>The sum of a metric's series (a heap's generations, say) in Prometheus's text format; NaN when it is absent.</summary>
    private static double Sum(string metrics, string name)
    {
        var values = metrics.Split('\n')
            .Where(l => l.StartsWith(name, StringComparison.Ordinal) && l.Length > name.Length && l[name.Length] is '{' or ' ')
            .Select(l => double.Parse(l[(l.LastIndexOf('}') is var brace and >= 0 ? brace + 1 : name.Length)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture))
            .ToList();
        return values.Count == 0 ? double.NaN : values.Sum();
    }
}
