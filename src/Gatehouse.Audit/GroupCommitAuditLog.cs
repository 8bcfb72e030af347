using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Audit;

/// <summary>
/// Writes records in group commits: while one transaction commits, the records that arrive meanwhile queue up
/// and go into the next one together. One commit (one fsync) then serves many concurrent calls, which is what
/// lets every decision be durable before its call proceeds without making calls wait in line for the disk.
/// A commit is written first and flushed to the disk after, so that a caller who only needs its record written
/// (<see cref="WriteAsync"/>) goes on during the flush; one who needs it on disk (<see cref="RecordAsync"/>) is woken
/// once, after it. Every hand-over between threads costs a call dearly on a loaded machine: the one writer does both.
/// </summary>
public sealed partial class GroupCommitAuditLog : IAuditLog, IAsyncDisposable
{
    /// <summary>The most records one commit takes; more wait for the next.</summary>
    public const int MaxBatch = 1024;

    // Long enough for a busy agent's next call to arrive, short enough that an idle gateway's last outcome is on
    // disk at once.
    private static readonly TimeSpan PostLinger = TimeSpan.FromMilliseconds(20);

    // Enough for a long stall of the store under heavy load; past it, callers wait (and so slow down) rather
    // than let memory grow without bound.
    private const int QueueCapacity = 65_536;

    private readonly IAuditStore _store;
    private readonly ILogger<GroupCommitAuditLog> _logger;
    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(QueueCapacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly Task _writer;

    // The flush of the newest commit a WriteAsync caller was released from; flushes complete in commit order.
    private volatile Task _onDisk = Task.CompletedTask;

    public GroupCommitAuditLog(IAuditStore store, ILogger<GroupCommitAuditLog> logger)
    {
        _store = store;
        _logger = logger;
        _writer = Task.Run(WriteAsync);
    }

    public Task<AuditWrite> WriteAsync(AuditEvent record, CancellationToken cancellationToken) => EnqueueAsync(record, untilOnDisk: false, cancellationToken);

    public Task RecordAsync(AuditEvent record, CancellationToken cancellationToken) => EnqueueAsync(record, untilOnDisk: true, cancellationToken);

    public Task OnDisk => _onDisk;

    private async Task<AuditWrite> EnqueueAsync(AuditEvent record, bool untilOnDisk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var pending = new Pending(record, new TaskCompletionSource<AuditWrite>(TaskCreationOptions.RunContinuationsAsynchronously), untilOnDisk);
        try
        {
            await _queue.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException e)
        {
            throw new AuditUnavailableException("The audit log is shutting down.", e);
        }

        return await pending.Written!.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Post(AuditEvent record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!_queue.Writer.TryWrite(new Pending(record, null, UntilOnDisk: false)))
        {
            LogDropped(_logger, record.Kind, record.Method ?? "-");
        }
    }

    private async Task WriteAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        var events = new List<AuditEvent>(MaxBatch);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < MaxBatch && reader.TryRead(out var pending))
            {
                batch.Add(pending);
                events.Add(pending.Record);
            }

            // Records nobody waits for (a call's outcome) need not cost a commit of their own: held back for a
            // moment, they ride with the next commit someone does wait for (the next call's decision) instead of
            // making that decision wait behind them. Nothing awaited is ever held back.
            if (batch.TrueForAll(p => p.Written is null))
            {
                await TakeMoreAsync(reader, batch, events).ConfigureAwait(false);
            }

            try
            {
                await _store.AppendAsync(events, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                var unavailable = Unavailable(e);
                var unwaited = 0;
                foreach (var pending in batch)
                {
                    if (pending.Written is null)
                    {
                        unwaited++;
                    }

                    pending.Written?.TrySetException(unavailable);
                }

                LogWriteFailed(_logger, batch.Count, unwaited, unavailable.Message);
                batch.Clear();
            }

            if (batch.Count > 0)
            {
                await WrittenThenFlushAsync(batch).ConfigureAwait(false);
            }

            batch.Clear();
            events.Clear();

            // Callers released by this commit that have more to record submit it within microseconds. Yielding
            // once lets them join the next commit rather than wait out a whole commit for the one after it;
            // without it, concurrent callers settle into two groups that take turns, each commit carrying half
            // of them (measured: 64 writers on SQLite, 34 records per commit instead of 64, and half the rate).
            await Task.Yield();
        }
    }

    // Releases the callers who need their records written only (their calls go upstream during the flush), flushes,
    // then releases the rest. The next commit waits for this flush, so a flush that completes leaves everything
    // written before it on disk too.
    private async Task WrittenThenFlushAsync(List<Pending> batch)
    {
        var onDisk = batch.Exists(p => p.Written is not null && !p.UntilOnDisk)
            ? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
            : null;
        if (onDisk is not null)
        {
            _onDisk = onDisk.Task;
        }

        foreach (var pending in batch)
        {
            if (!pending.UntilOnDisk)
            {
                pending.Written?.TrySetResult(new AuditWrite(onDisk?.Task ?? Task.CompletedTask));
            }
        }

        try
        {
            await _store.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            onDisk?.TrySetResult();
            foreach (var pending in batch)
            {
                if (pending.UntilOnDisk)
                {
                    pending.Written?.TrySetResult(AuditWrite.Done);
                }
            }
        }
        catch (Exception e)
        {
            var unavailable = Unavailable(e);
            LogFlushFailed(_logger, batch.Count, unavailable.Message);
            if (onDisk is not null)
            {
                onDisk.TrySetException(unavailable);
                // Seen by whoever waits on it; a call that stopped waiting must not leave it unobserved.
                _ = onDisk.Task.Exception;
            }

            foreach (var pending in batch)
            {
                if (pending.UntilOnDisk)
                {
                    pending.Written?.TrySetException(unavailable);
                }
            }
        }
    }

    private static AuditUnavailableException Unavailable(Exception e) =>
        e as AuditUnavailableException ?? new AuditUnavailableException($"The audit store failed: {e.Message}", e);

    // Waits up to PostLinger for a record someone waits on, taking whatever arrives meanwhile into the batch.
    private static async Task TakeMoreAsync(ChannelReader<Pending> reader, List<Pending> batch, List<AuditEvent> events)
    {
        using var linger = new CancellationTokenSource(PostLinger);
        try
        {
            while (batch.Count < MaxBatch && await reader.WaitToReadAsync(linger.Token).ConfigureAwait(false))
            {
                while (batch.Count < MaxBatch && reader.TryRead(out var pending))
                {
                    batch.Add(pending);
                    events.Add(pending.Record);
                    if (pending.Written is not null)
                    {
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (linger.IsCancellationRequested)
        {
        }
    }

    /// <summary>Writes what is queued and puts it on disk, then stops taking records.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    private sealed record Pending(AuditEvent Record, TaskCompletionSource<AuditWrite>? Written, bool UntilOnDisk);

    [LoggerMessage(Level = LogLevel.Error, Message = "The audit store did not take {Count} records ({Unwaited} of them not awaited by any call, so lost): {Reason}")]
    private static partial void LogWriteFailed(ILogger logger, int count, int unwaited, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The audit store could not put {Count} written records on disk: {Reason}")]
    private static partial void LogFlushFailed(ILogger logger, int count, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The audit queue is full; a {Kind} record of {Method} was dropped")]
    private static partial void LogDropped(ILogger logger, string kind, string method);
}
