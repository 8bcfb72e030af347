using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Gatehouse.Configuration;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay.Modern;

/// <summary>
/// The processes of one stdio server that serve one grant's 2026-07-28 requests (<c>"pool": { "min", "max" }</c>): a
/// request goes to the least busy; a new process starts when every one is busy and the pool may grow; one that exits is
/// replaced at the next request; those beyond <c>min</c> stop after the server's idle timeout; all stop with the gateway.
/// </summary>
internal sealed partial class StdioPool : IModernUpstream
{
    private static readonly TimeSpan s_sweepInterval = TimeSpan.FromSeconds(15);

    private readonly UpstreamServerConfig _server;
    private readonly ProcessPoolConfig _size;
    private readonly IUpstreamConnector _connector;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly List<PooledProcess> _processes = [];
    private readonly ConcurrentDictionary<string, PooledProcess> _taskHomes = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ITimer _sweep;
    private int _starting;
    private int _disposed;

    public StdioPool(UpstreamServerConfig server, ProcessPoolConfig size, IUpstreamConnector connector, TimeProvider time, ILogger logger)
    {
        _server = server;
        _size = size;
        _connector = connector;
        _time = time;
        _logger = logger;
        _sweep = time.CreateTimer(_ => Sweep(), null, s_sweepInterval, s_sweepInterval);
        _starting = size.Min;
        for (var i = 0; i < size.Min; i++)
        {
            _ = StartQuietlyAsync();
        }
    }

    /// <summary>The processes running now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _processes.Count(p => p.IsAlive);
            }
        }
    }

    public async Task<UpstreamAnswer> SendAsync(JsonRpcRequest request, IReadOnlyList<KeyValuePair<string, string>> paramHeaders, CancellationToken cancellationToken)
    {
        // A task lives in the process that created it: its requests go there, while it runs.
        var process = TaskOwners.TaskIdOf(request.Params) is { } taskId && _taskHomes.TryGetValue(taskId, out var home) && home.IsAlive
            ? home
            : await AcquireAsync(cancellationToken).ConfigureAwait(false);
        var answer = await process.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return answer.Observed(message =>
        {
            if (message is JsonRpcResponse { Result: JsonObject result } && (string?)result["resultType"] == "task" &&
                TaskOwners.TaskIdOf(result) is { } created)
            {
                if (_taskHomes.Count >= TaskOwners.MaxEntries)
                {
                    foreach (var (task, home) in _taskHomes)
                    {
                        if (!home.IsAlive)
                        {
                            _taskHomes.TryRemove(task, out _);
                        }
                    }
                }

                // Full of live tasks: this one goes unrouted (its requests may reach another process), and no one's is forgotten.
                if (_taskHomes.Count < TaskOwners.MaxEntries)
                {
                    _taskHomes[created] = process;
                }
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _sweep.DisposeAsync().ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        List<PooledProcess> all;
        lock (_gate)
        {
            all = [.. _processes];
            _processes.Clear();
        }

        await Task.WhenAll(all.Select(p => p.DisposeAsync().AsTask())).ConfigureAwait(false);
    }

    private async Task<PooledProcess> AcquireAsync(CancellationToken cancellationToken)
    {
        bool grow;
        PooledProcess? least;
        lock (_gate)
        {
            RemoveExited();
            least = _processes.MinBy(p => p.Busy);
            grow = (least is null || least.Busy > 0) && _processes.Count + _starting < _size.Max;
            if (grow)
            {
                _starting++;
            }
        }

        if (!grow && least is not null)
        {
            return least;
        }

        if (least is not null)
        {
            // Every process is busy: one more starts for the requests to come, and this one waits its turn on the least busy.
            _ = StartAsync(CancellationToken.None).ContinueWith(
                t => LogStartFailed(t.Exception!, _server.Name), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            return least;
        }

        if (!grow)
        {
            // Processes are starting and the pool may not grow: wait for one.
            return await WaitForOneAsync(cancellationToken).ConfigureAwait(false);
        }

        return await StartAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<PooledProcess> WaitForOneAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), _time, cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                if (_processes.Where(p => p.IsAlive).MinBy(p => p.Busy) is { } started)
                {
                    return started;
                }

                if (_starting == 0)
                {
                    _starting++;
                    break;
                }
            }
        }

        return await StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts a process whose start is already counted in <c>_starting</c>, logging a failure.</summary>
    private async Task StartQuietlyAsync()
    {
        try
        {
            await StartAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogStartFailed(ex, _server.Name);
        }
    }

    /// <summary>Starts a process, the start already counted in <c>_starting</c>.</summary>
    private async Task<PooledProcess> StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Not the caller's token alone: a process outlives the request that started it.
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, cancellationToken);
            var transport = await _connector.ConnectAsync(_server, linked.Token).ConfigureAwait(false);
            var process = new PooledProcess(transport, _server.Name, _time, _logger);
            bool stopped;
            lock (_gate)
            {
                stopped = _disposed == 1;
                if (!stopped)
                {
                    _processes.Add(process);
                }
            }

            if (stopped)
            {
                // The pool stopped while this one started: it stops too, never to be found running later.
                await process.DisposeAsync().ConfigureAwait(false);
                throw new ObjectDisposedException(nameof(StdioPool));
            }

            LogStarted(_server.Name);
            return process;
        }
        finally
        {
            lock (_gate)
            {
                _starting--;
            }
        }
    }

    private void Sweep()
    {
        List<PooledProcess> idle;
        int missing;
        lock (_gate)
        {
            RemoveExited();
            idle = [.. _processes.Where(p => p.Busy == 0 && p.IdleFor >= _server.IdleTimeout).Take(Math.Max(0, _processes.Count - _size.Min))];
            _processes.RemoveAll(idle.Contains);
            missing = Math.Max(0, _size.Min - _processes.Count - _starting);
            _starting += missing;
        }

        foreach (var process in idle)
        {
            LogIdleStopped(_server.Name);
            _ = process.DisposeAsync().AsTask();
        }

        // A process that exited is replaced ahead of demand while the pool is below its minimum.
        for (; missing > 0; missing--)
        {
            _ = StartQuietlyAsync();
        }
    }

    /// <summary>Takes out the processes that exited (or stopped reading), stopping what may be left of them; under the lock.</summary>
    private void RemoveExited()
    {
        foreach (var exited in _processes.Where(p => !p.IsAlive).ToList())
        {
            _processes.Remove(exited);
            _ = exited.DisposeAsync().AsTask();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Started a pooled process of server '{Server}'.")]
    private partial void LogStarted(string server);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped an idle pooled process of server '{Server}'.")]
    private partial void LogIdleStopped(string server);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A pooled process of server '{Server}' could not be started.")]
    private partial void LogStartFailed(Exception ex, string server);
}
