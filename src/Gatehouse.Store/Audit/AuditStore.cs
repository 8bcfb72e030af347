using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Gatehouse.Audit;
using Gatehouse.Store.Database;

namespace Gatehouse.Store.Audit;

/// <summary>The audit log in the shared store, one row per record; SQL common to both backends.</summary>
internal sealed partial class AuditStore(StoreDatabase database, TimeProvider time) : IAuditStore, IDisposable
{
    /// <summary>How many records <see cref="ReadAsync"/> fetches per query.</summary>
    internal const int ReadPageSize = 1000;

    private const string Columns =
        "sequence, time, kind, identity, grant_id, server, session, request_id, method, target, arguments, " +
        "decision, rule, reason, outcome, latency_us, previous_hash, hash";

    private const string CheckpointColumns = "sequence, previous_hash, created_at, pruned, signature";

    private const string HeadSql = "SELECT sequence, hash FROM audit_records ORDER BY sequence DESC LIMIT 1;";

    // In the order of Columns.
    private static readonly (string Name, DbType Type, Func<AuditRecord, object?> Value)[] s_parameters =
    [
        ("@sequence", DbType.Int64, r => r.Sequence),
        ("@time", DbType.Int64, r => StoredTime.ToStored(r.Event.Time)),
        ("@kind", DbType.String, r => r.Event.Kind),
        ("@identity", DbType.String, r => r.Event.Identity),
        ("@grant_id", DbType.String, r => r.Event.Grant),
        ("@server", DbType.String, r => r.Event.Server),
        ("@session", DbType.String, r => r.Event.Session),
        ("@request_id", DbType.String, r => r.Event.RequestId),
        ("@method", DbType.String, r => r.Event.Method),
        ("@target", DbType.String, r => r.Event.Target),
        ("@arguments", DbType.String, r => r.Event.Arguments),
        ("@decision", DbType.String, r => r.Event.Decision),
        ("@rule", DbType.String, r => r.Event.Rule),
        ("@reason", DbType.String, r => r.Event.Reason),
        ("@outcome", DbType.String, r => r.Event.Outcome),
        ("@latency_us", DbType.Int64, r => r.Event.LatencyMicroseconds),
        ("@previous_hash", DbType.String, r => r.PreviousHash),
        ("@hash", DbType.String, r => r.Hash),
    ];

    private static readonly string s_insertSql =
        $"INSERT INTO audit_records ({Columns}) VALUES ({string.Join(", ", s_parameters.Select(p => p.Name))});";

    public async Task<IReadOnlyList<AuditRecord>> AppendAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return [];
        }

        var storable = events.Select(Storable).ToList();
        if (database.Kind == StoreBackendKind.Sqlite)
        {
            return await AppendOnKeptConnectionAsync(storable, cancellationToken);
        }

        return await WriteAsync(async (connection, transaction, ct) =>
        {
            await using var newest = connection.CreateCommand(HeadSql, transaction);
            var (lastSequence, lastHash) = await ReadHeadAsync(newest, connection, transaction, ct);
            var records = AuditChain.Extend(lastSequence, lastHash, storable);
            await InsertBatchAsync(connection, transaction, records, ct);
            return records;
        }, cancellationToken);
    }

    public Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > AuditQuery.MaxLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.Limit, $"A query's limit must be 1 to {AuditQuery.MaxLimit}.");
        }

        return RunAsync(async (connection, ct) =>
        {
            await using var select = connection.CreateCommand("");
            var conditions = new List<string>();
            void Where(string condition, string name, object? value)
            {
                if (value is not null)
                {
                    conditions.Add(condition);
                    select.With(name, value);
                }
            }

            // PostgreSQL indexes the first 256 characters (migration 2): comparing them is what lets it use the
            // index, and the whole value decides.
            Where("substr(identity, 1, 256) = substr(@identity, 1, 256) AND identity = @identity", "@identity", query.Identity);
            Where("substr(target, 1, 256) = substr(@target, 1, 256) AND target = @target", "@target", query.Target);
            Where("decision = @decision", "@decision", query.Decision);
            Where("server = @server", "@server", query.Server);
            Where("grant_id = @grant_id", "@grant_id", query.Grant);
            Where("kind = @kind", "@kind", query.Kind);
            Where("time >= @since", "@since", query.Since is { } since ? StoredTime.ToStored(since) : null);
            Where("time < @until", "@until", query.Until is { } until ? StoredTime.ToStored(until) : null);
            Where("sequence < @before", "@before", query.Before);

            // One row more than the page tells whether an older page exists, so the last page says it is the last.
            select.CommandText = $"SELECT {Columns} FROM audit_records" +
                (conditions.Count > 0 ? " WHERE " + string.Join(" AND ", conditions) : "") +
                " ORDER BY sequence DESC LIMIT @limit;";
            select.With("@limit", query.Limit + 1);
            var records = await ReadRecordsAsync(select, ct);
            if (records.Count <= query.Limit)
            {
                return new AuditPage(records, NextBefore: null);
            }

            records.RemoveAt(records.Count - 1);
            return new AuditPage(records, records[^1].Sequence);
        }, cancellationToken);
    }

    // Page by page, each on a connection of its own: a huge log neither sits in memory nor holds a transaction
    // open for as long as the caller takes to consume it.
    public async IAsyncEnumerable<AuditRecord> ReadAsync(long afterSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var after = afterSequence;
        while (true)
        {
            var page = await RunAsync(async (connection, ct) =>
            {
                await using var select = connection.CreateCommand(
                    $"SELECT {Columns} FROM audit_records WHERE sequence > @after ORDER BY sequence LIMIT @limit;");
                return await ReadRecordsAsync(select.With("@after", after).With("@limit", ReadPageSize), ct);
            }, cancellationToken);

            foreach (var record in page)
            {
                yield return record;
            }

            if (page.Count < ReadPageSize)
            {
                yield break;
            }

            after = page[^1].Sequence;
        }
    }

    public Task<AuditCheckpoint?> GetCheckpointAsync(CancellationToken cancellationToken) =>
        RunAsync((connection, ct) => ReadCheckpointAsync(connection, transaction: null, ct), cancellationToken);

    public Task<AuditPruneResult> PruneAsync(DateTimeOffset olderThan, CheckpointSigner signer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signer);
        return WriteAsync(async (connection, transaction, ct) =>
        {
            // Records are pruned as a run of the oldest, so a record written with a clock behind the others'
            // stays until every record before it goes too: the kept chain must have no holes. "+time" keeps
            // SQLite off the time index, which would sort every record kept to find the first; walking up from
            // the oldest stops at the first one kept, after no more rows than the prune deletes anyway.
            long? firstKept;
            await using (var first = connection.CreateCommand(
                "SELECT sequence FROM audit_records WHERE +time >= @older_than ORDER BY sequence LIMIT 1;", transaction))
            {
                firstKept = await first.WithTime("@older_than", olderThan).ExecuteScalarAsync(ct) is { } found and not DBNull
                    ? Convert.ToInt64(found, CultureInfo.InvariantCulture)
                    : null;
            }

            (long Sequence, string Hash) lastPruned;
            await using (var last = connection.CreateCommand(
                "SELECT sequence, hash FROM audit_records WHERE sequence < @first_kept ORDER BY sequence DESC LIMIT 1;", transaction))
            {
                await using var reader = await last.With("@first_kept", firstKept ?? long.MaxValue).ExecuteReaderAsync(ct);
                if (!await reader.ReadAsync(ct))
                {
                    return new AuditPruneResult(0, null);
                }

                lastPruned = (reader.GetInt64(0), reader.GetString(1));
            }

            var kept = firstKept ?? lastPruned.Sequence + 1;
            long pruned;
            await using (var delete = connection.CreateCommand("DELETE FROM audit_records WHERE sequence < @first_kept;", transaction))
            {
                pruned = await delete.With("@first_kept", kept).ExecuteNonQueryAsync(ct);
            }

            var checkpoint = signer.Sign(kept, lastPruned.Hash, time.GetUtcNow(), pruned);
            await using (var insert = connection.CreateCommand(
                $"INSERT INTO audit_checkpoints ({CheckpointColumns}) VALUES (@sequence, @previous_hash, @created_at, @pruned, @signature);",
                transaction))
            {
                await insert.With("@sequence", checkpoint.Sequence).With("@previous_hash", checkpoint.PreviousHash)
                    .WithTime("@created_at", checkpoint.CreatedAt).With("@pruned", checkpoint.Pruned).With("@signature", checkpoint.Signature)
                    .ExecuteNonQueryAsync(ct);
            }

            return new AuditPruneResult(pruned, checkpoint);
        }, cancellationToken);
    }

    // The chain continues after the newest record; once every record was pruned, after the one the newest
    // checkpoint names; in a new log, from the genesis hash.
    private static async Task<(long Sequence, string Hash)> ReadHeadAsync(DbCommand newest, DbConnection connection, DbTransaction transaction,
        CancellationToken ct)
    {
        await using (var reader = await newest.ExecuteReaderAsync(ct))
        {
            if (await reader.ReadAsync(ct))
            {
                return (reader.GetInt64(0), reader.GetString(1));
            }
        }

        return await ReadCheckpointAsync(connection, transaction, ct) is { } checkpoint
            ? (checkpoint.Sequence - 1, checkpoint.PreviousHash)
            : (0, AuditChain.Genesis);
    }

    private static async Task<AuditCheckpoint?> ReadCheckpointAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct)
    {
        await using var select = connection.CreateCommand(
            $"SELECT {CheckpointColumns} FROM audit_checkpoints ORDER BY sequence DESC LIMIT 1;", transaction);
        await using var reader = await select.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new AuditCheckpoint(reader.GetInt64(0), reader.GetString(1), StoredTime.FromStored(reader.GetInt64(2)), reader.GetInt64(3),
                reader.GetString(4))
            : null;
    }

    // A server (PostgreSQL) gets the whole group commit in one round trip rather than one per record, and prepared,
    // so that it parses the statement once per connection rather than once per record.
    private static async Task InsertBatchAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<AuditRecord> records,
        CancellationToken ct)
    {
        await using var batch = connection.CreateBatch();
        batch.Transaction = transaction;
        foreach (var record in records)
        {
            var command = batch.CreateBatchCommand();
            command.CommandText = s_insertSql;
            AddParameters(command.Parameters, command.CreateParameter);
            Bind(command.Parameters, record);
            batch.BatchCommands.Add(command);
        }

        await batch.PrepareAsync(ct);
        await batch.ExecuteNonQueryAsync(ct);
    }

    // Typed, so that PostgreSQL knows the type of a null.
    private static void AddParameters(DbParameterCollection parameters, Func<DbParameter> create)
    {
        foreach (var (name, type, _) in s_parameters)
        {
            var parameter = create();
            parameter.ParameterName = name;
            parameter.DbType = type;
            parameters.Add(parameter);
        }
    }

    private static void Bind(DbParameterCollection parameters, AuditRecord record)
    {
        for (var i = 0; i < s_parameters.Length; i++)
        {
            parameters[i].Value = s_parameters[i].Value(record) ?? DBNull.Value;
        }
    }

    private static async Task<List<AuditRecord>> ReadRecordsAsync(DbCommand select, CancellationToken ct)
    {
        await using var reader = await select.ExecuteReaderAsync(ct);
        var records = new List<AuditRecord>();
        while (await reader.ReadAsync(ct))
        {
            records.Add(ReadRecord(reader));
        }

        return records;
    }

    private static AuditRecord ReadRecord(DbDataReader reader) => new(
        reader.GetInt64(0),
        new AuditEvent
        {
            Time = StoredTime.FromStored(reader.GetInt64(1)),
            Kind = reader.GetString(2),
            Identity = GetText(reader, 3),
            Grant = GetText(reader, 4),
            Server = GetText(reader, 5),
            Session = GetText(reader, 6),
            RequestId = GetText(reader, 7),
            Method = GetText(reader, 8),
            Target = GetText(reader, 9),
            Arguments = GetText(reader, 10),
            Decision = GetText(reader, 11),
            Rule = GetText(reader, 12),
            Reason = GetText(reader, 13),
            Outcome = GetText(reader, 14),
            LatencyMicroseconds = reader.IsDBNull(15) ? null : reader.GetInt64(15),
        },
        reader.GetString(16),
        reader.GetString(17));

    private static string? GetText(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    // An event as it will read back, so that the records AppendAsync returns, and hashes, equal those it later lists.
    private static AuditEvent Storable(AuditEvent record) => record with
    {
        Time = StoredTime.Truncate(record.Time),
        Kind = StoredText.Storable(record.Kind),
        Identity = StoredText.Storable(record.Identity),
        Grant = StoredText.Storable(record.Grant),
        Server = StoredText.Storable(record.Server),
        Session = StoredText.Storable(record.Session),
        RequestId = StoredText.Storable(record.RequestId),
        Method = StoredText.Storable(record.Method),
        Target = StoredText.Storable(record.Target),
        Arguments = StoredText.Storable(record.Arguments),
        Decision = StoredText.Storable(record.Decision),
        Rule = StoredText.Storable(record.Rule),
        Reason = StoredText.Storable(record.Reason),
        Outcome = StoredText.Storable(record.Outcome),
    };

    // Appends and prunes: serialised, so that every process sharing the store extends one chain.
    private Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        StoreFailures.Translated(database.RunSerializedAsync(work, cancellationToken), Unavailable);

    private Task<T> RunAsync<T>(Func<DbConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        StoreFailures.Translated(database.RunAsync(work, cancellationToken), Unavailable);

    private static AuditUnavailableException Unavailable(string message, Exception inner) => new(message, inner);
}
