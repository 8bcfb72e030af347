using System.Data.Common;
using Gatehouse.Audit;
using Gatehouse.Store.Database;

namespace Gatehouse.Store.Audit;

// Appends on SQLite: one connection kept open for them, with its statements prepared once. A commit then costs the
// statements it runs, not also a connection from the pool, a durability setting and two statement preparations:
// measured through the gateway under load, about a tenth of its throughput with the audit on.
//
// Its commits only write; FlushAsync puts them on disk (the write-ahead log's fsync that synchronous = FULL would do in
// each commit), so that a call can go upstream while its record goes to the disk, and the next commit need not wait for
// the disk either: a flush runs beside it, under a lock of its own. A new connection's first commit is made at FULL all
// the same: when it creates the log, SQLite then also syncs the directory that holds it.
internal sealed partial class AuditStore
{
    private readonly SemaphoreSlim _appending = new(1, 1);
    private DbConnection? _kept;
    private DbCommand? _newest;
    private DbCommand? _insert;

    // Held while a flush runs and while the log's handle is opened or closed.
    private readonly Lock _flushing = new();
    private WriteAheadLogFlush? _flush;
    private long _written;
    private long _flushed;

    private async Task<IReadOnlyList<AuditRecord>> AppendOnKeptConnectionAsync(List<AuditEvent> storable, CancellationToken cancellationToken)
    {
        await _appending.WaitAsync(cancellationToken);
        try
        {
            var connection = _kept ??= await StoreFailures.Translated(database.OpenKeptConnectionAsync(cancellationToken), Unavailable);
            var appended = await StoreFailures.Translated(database.RunSerializedOnAsync(connection, async (transaction, ct) =>
            {
                if (_newest is null || _insert is null)
                {
                    _newest = connection.CreateCommand(HeadSql);
                    _insert = connection.CreateCommand(s_insertSql);
                    AddParameters(_insert.Parameters, _insert.CreateParameter);
                    _newest.Transaction = _insert.Transaction = transaction;
                    await _newest.PrepareAsync(ct);
                    await _insert.PrepareAsync(ct);
                }

                _newest.Transaction = _insert.Transaction = transaction;
                var (lastSequence, lastHash) = await ReadHeadAsync(_newest, connection, transaction, ct);
                var records = AuditChain.Extend(lastSequence, lastHash, storable);
                foreach (var record in records)
                {
                    Bind(_insert.Parameters, record);
                    await _insert.ExecuteNonQueryAsync(ct);
                }

                return records;
            }, cancellationToken), Unavailable);
            if (_flush is not null)
            {
                Interlocked.Increment(ref _written);
            }
            else if (database.DeferredFlush is { } deferred)
            {
                await StoreFailures.Translated(connection.ExecuteAsync(deferred.WriteOnlySql, cancellationToken), Unavailable);
                lock (_flushing)
                {
                    _flush = deferred.Open();
                }
            }

            return appended;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A connection that failed once is not trusted with the next commit: the next one opens afresh.
            CloseKept();
            throw;
        }
        finally
        {
            _appending.Release();
        }
    }

    public Task FlushAsync(CancellationToken cancellationToken)
    {
        if (database.DeferredFlush is null)
        {
            return Task.CompletedTask;
        }

        var through = Interlocked.Read(ref _written);
        lock (_flushing)
        {
            if (_flushed >= through)
            {
                return Task.CompletedTask;
            }

            if (_flush is null)
            {
                throw new AuditUnavailableException("The audit log's connection closed before its last commits were on disk.");
            }

            try
            {
                _flush.Flush();
                _flushed = through;
                return Task.CompletedTask;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw Unavailable($"The audit log could not be put on disk: {e.Message}", e);
            }
        }
    }

    // Commits not yet flushed are flushed before the log's handle goes: a flush after a new connection's first commit would
    // cover them too, but a caller may be waiting for them before that.
    private void CloseKept()
    {
        lock (_flushing)
        {
            var through = Interlocked.Read(ref _written);
            try
            {
                if (_flush is not null && _flushed < through)
                {
                    _flush.Flush();
                    _flushed = through;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Their callers are told by FlushAsync, which finds the handle gone and these commits unflushed.
            }

            _flush?.Dispose();
            _flush = null;
        }

        _newest?.Dispose();
        _insert?.Dispose();
        if (_kept is not null && database.DeferredFlush is { } deferred)
        {
            deferred.Release(_kept);
        }
        else
        {
            _kept?.Dispose();
        }

        (_newest, _insert, _kept) = (null, null, null);
    }

    public void Dispose()
    {
        _appending.Wait();
        try
        {
            CloseKept();
        }
        finally
        {
            _appending.Release();
        }
    }
}
