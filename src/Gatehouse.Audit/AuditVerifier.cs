namespace Gatehouse.Audit;

/// <summary>What <see cref="AuditVerifier.VerifyAsync"/> found.</summary>
/// <param name="Intact">Every record follows the one before it and still has the hash it was written with.</param>
/// <param name="Checked">How many records were walked.</param>
/// <param name="FirstBroken">The sequence number of the first record that does not verify (or where records are missing).</param>
/// <param name="Problem">What is wrong there, for a person.</param>
/// <param name="HeadSequence">The last record that verified; keep it with <paramref name="HeadHash"/> elsewhere to notice a truncated log later.</param>
/// <param name="HeadHash">That record's hash.</param>
public sealed record AuditVerification(bool Intact, long Checked, long? FirstBroken, string? Problem, long HeadSequence, string HeadHash);

/// <summary>Walks the chain from its start (the newest checkpoint, or the first record ever) and reports the first break.</summary>
public static class AuditVerifier
{
    public static async Task<AuditVerification> VerifyAsync(AuditCheckpoint? checkpoint, IAsyncEnumerable<AuditRecord> records,
        CheckpointSigner signer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(signer);
        var expected = checkpoint?.Sequence ?? 1;
        var previous = checkpoint?.PreviousHash ?? AuditChain.Genesis;
        var headSequence = expected - 1;
        long walked = 0;

        if (checkpoint is not null && !signer.IsValid(checkpoint))
        {
            return new(false, 0, checkpoint.Sequence,
                $"the checkpoint before record {checkpoint.Sequence} does not carry a valid signature: it was altered, or signed with another key",
                headSequence, previous);
        }

        await foreach (var record in records.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            walked++;
            string? problem = null;
            if (record.Sequence > expected)
            {
                problem = record.Sequence == expected + 1
                    ? $"record {expected} is missing (deleted)"
                    : $"records {expected} to {record.Sequence - 1} are missing (deleted)";
            }
            else if (record.Sequence < expected)
            {
                problem = $"record {record.Sequence} comes after record {expected - 1}: the log's order was changed";
            }
            else if (!string.Equals(record.PreviousHash, previous, StringComparison.Ordinal))
            {
                problem = $"record {record.Sequence} does not follow the record before it: a record was inserted, deleted or replaced";
            }
            else if (!string.Equals(AuditChain.Hash(record.Sequence, record.Event, record.PreviousHash), record.Hash, StringComparison.Ordinal))
            {
                problem = $"record {record.Sequence} was changed after it was written: its content no longer matches its hash";
            }

            if (problem is not null)
            {
                return new(false, walked, Math.Min(record.Sequence, expected), problem, headSequence, previous);
            }

            previous = record.Hash;
            headSequence = record.Sequence;
            expected++;
        }

        return new(true, walked, null, null, headSequence, previous);
    }
}
