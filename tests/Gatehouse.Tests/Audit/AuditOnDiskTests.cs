using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using Gatehouse.Audit;
using Gatehouse.Relay;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Tests.Audit;

/// <summary>
/// With <c>"audit": { "onDiskBefore": "answer" }</c>, a call goes upstream once its decision is written to the audit store,
/// and its answer reaches the client only once that record is on disk; an answer whose record cannot be put on disk is
/// withheld, and the session goes on. Under both revisions.
/// </summary>
public sealed class AuditOnDiskTests : IAsyncLifetime
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    // Its own, so that the upstream answers this test counts are its gateway's and no other test's.
    private readonly string _server = $"ondisk{Random.Shared.Next(1_000_000)}";
    private readonly FlushGate _gate = new();
    private RunningTestServer _upstream = null!;
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream = await TestServerHost.StartAsync();
        _gateway = await RunningGateway.StartAsync(Upstreams.Servers((_server, Upstreams.Http(_upstream.McpUrl))), services => GateFlushes(services, _gate),
            sections: new JsonObject { ["audit"] = new JsonObject { ["onDiskBefore"] = "answer" } });
    }

    /// <summary>The real store, its flushes held or failed at <paramref name="gate"/>'s word.</summary>
    internal static void GateFlushes(IServiceCollection services, FlushGate gate)
    {
        var real = services.Last(d => d.ServiceType == typeof(IAuditStore)).ImplementationType!;
        services.Replace(ServiceDescriptor.Singleton<IAuditStore>(provider =>
            new GatedFlushStore((IAuditStore)ActivatorUtilities.CreateInstance(provider, real), gate)));
    }

    public async Task DisposeAsync()
    {
        _gate.Open();
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_answer_reaches_the_client_only_once_its_decision_is_on_disk(bool inSession)
    {
        using var answers = new UpstreamAnswers(_server);
        await using var client = await ConnectAsync(inSession);
        // Whatever the client asks before its first call (a tool list) is answered before the disk is held.
        await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "first" }).AsTask().WaitAsync(s_wait);
        _gate.Hold();

        var call = client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "held for the disk" }).AsTask();

        // The upstream answered while the decision waits for the disk.
        await Eventually.UntilAsync(() => Task.FromResult(answers.Calls == 2), "the upstream's answer to the call", s_wait);
        Assert.False(call.IsCompleted, "the answer reached the client before its decision was on disk");
        _gate.Open();
        var result = await call.WaitAsync(s_wait);
        Assert.Contains("held for the disk", Text(result), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_answer_whose_decision_cannot_be_put_on_disk_is_withheld_and_the_next_call_is_served(bool inSession)
    {
        await using var client = await ConnectAsync(inSession);
        _gate.Fail(new IOException("Input/output error"));

        var withheld = await Assert.ThrowsAsync<McpProtocolException>(() =>
            client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "never seen" }).AsTask().WaitAsync(s_wait));

        Assert.Contains("answer is withheld", withheld.Message, StringComparison.Ordinal);
        _gate.Open();
        var served = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "served again" }).AsTask().WaitAsync(s_wait);
        Assert.Contains("served again", Text(served), StringComparison.Ordinal);
    }

    [Fact]
    public async Task By_default_a_call_goes_upstream_only_once_its_decision_is_on_disk()
    {
        var gate = new FlushGate();
        await using var gateway = await RunningGateway.StartAsync(Upstreams.Servers(("test", Upstreams.Http(_upstream.McpUrl))),
            services => GateFlushes(services, gate));
        await using var client = await gateway.ConnectAsync("test");
        await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "first" }).AsTask().WaitAsync(s_wait);
        gate.Fail(new IOException("Input/output error"));

        var refused = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "never sent" }).AsTask().WaitAsync(s_wait);

        // Refused as a decision the store could not take: the call never went upstream, so it has no outcome.
        Assert.True(refused.IsError);
        Assert.Equal("unavailable", refused.Meta!["gatehouse/decision"]!["decision"]!.GetValue<string>());
        gate.Open();
        var outcomes = (await gateway.Services.GetRequiredService<IAuditStore>().QueryAsync(new AuditQuery { Kind = AuditKinds.Outcome }, default)).Records;
        Assert.Single(outcomes);
    }

    private Task<McpClient> ConnectAsync(bool inSession) =>
        _gateway.ConnectAsync(_server, inSession ? RunningGateway.InSession() : null);

    private static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(b => b.Text));

    /// <summary>Counts the tool calls upstream <paramref name="server"/> answered, as Gatehouse's metrics see them.</summary>
    private sealed class UpstreamAnswers : IDisposable
    {
        private readonly MeterListener _listener = new();
        private int _calls;

        public UpstreamAnswers(string server)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == GatehouseTelemetry.Name && instrument.Name == "gatehouse.upstream.duration")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
            {
                var ours = false;
                var call = false;
                foreach (var tag in tags)
                {
                    ours |= tag.Key == "server" && Equals(tag.Value, server);
                    call |= tag.Key == "method" && Equals(tag.Value, RequestMethods.ToolsCall);
                }

                if (ours && call)
                {
                    Interlocked.Increment(ref _calls);
                }
            });
            _listener.Start();
        }

        public int Calls => Volatile.Read(ref _calls);

        public void Dispose() => _listener.Dispose();
    }

    internal sealed class FlushGate
    {
        private volatile TaskCompletionSource _open = Opened();
        private volatile Exception? _failure;

        public void Hold() => _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Fail(Exception failure) => _failure = failure;

        public void Open()
        {
            _failure = null;
            _open.TrySetResult();
        }

        public async Task PassAsync()
        {
            if (_failure is { } failure)
            {
                throw failure;
            }

            await _open.Task;
        }

        private static TaskCompletionSource Opened()
        {
            var open = new TaskCompletionSource();
            open.SetResult();
            return open;
        }
    }

    private sealed class GatedFlushStore(IAuditStore store, FlushGate gate) : IAuditStore
    {
        public Task<IReadOnlyList<AuditRecord>> AppendAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken) =>
            store.AppendAsync(events, cancellationToken);

        public async Task FlushAsync(CancellationToken cancellationToken)
        {
            await gate.PassAsync();
            await store.FlushAsync(cancellationToken);
        }

        public Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken) => store.QueryAsync(query, cancellationToken);

        public IAsyncEnumerable<AuditRecord> ReadAsync(long afterSequence, CancellationToken cancellationToken) => store.ReadAsync(afterSequence, cancellationToken);

        public Task<AuditCheckpoint?> GetCheckpointAsync(CancellationToken cancellationToken) => store.GetCheckpointAsync(cancellationToken);

        public Task<AuditPruneResult> PruneAsync(DateTimeOffset olderThan, CheckpointSigner signer, CancellationToken cancellationToken) =>
            store.PruneAsync(olderThan, signer, cancellationToken);
    }
}
