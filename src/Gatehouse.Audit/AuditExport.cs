using System.Runtime.CompilerServices;

namespace Gatehouse.Audit;

/// <summary>
/// The audit log as JSON Lines: one <see cref="AuditJson"/> object a line, each with its hashes, for
/// <c>gatehouse audit export</c> and the console's export of a filtered view.
/// </summary>
public static class AuditExport
{
    /// <summary>The media type of an export.</summary>
    public const string JsonLinesMediaType = "application/jsonl";

    /// <summary>Writes <paramref name="records"/> to <paramref name="output"/>, one line each, in the order given.</summary>
    public static async Task WriteJsonLinesAsync(IAsyncEnumerable<AuditRecord> records, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(output);
        await foreach (var record in records.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            await output.WriteLineAsync(AuditJson.Of(record).ToJsonString()).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Every record matching <paramref name="query"/> (its limit and cursor aside), newest first, a page of
    /// <see cref="AuditQuery.MaxLimit"/> at a time so a long result never sits in memory.
    /// </summary>
    public static async IAsyncEnumerable<AuditRecord> MatchingAsync(IAuditStore store, AuditQuery query,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(query);
        var next = query with { Limit = AuditQuery.MaxLimit, Before = null };
        while (true)
        {
            var page = await store.QueryAsync(next, cancellationToken).ConfigureAwait(false);
            foreach (var record in page.Records)
            {
                yield return record;
            }

            if (page.NextBefore is not { } before)
            {
                yield break;
            }

            next = next with { Before = before };
        }
    }
}
