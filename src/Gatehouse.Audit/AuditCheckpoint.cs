namespace Gatehouse.Audit;

/// <summary>
/// Where the chain starts after older records were pruned: the record numbered <see cref="Sequence"/> must
/// follow a record whose hash was <see cref="PreviousHash"/>. Signed, so that nobody without the key can move
/// the start of the chain to hide a deletion.
/// </summary>
/// <param name="Sequence">The first record kept; every record before it was pruned.</param>
/// <param name="PreviousHash">The hash of the last pruned record.</param>
/// <param name="CreatedAt">When the prune ran.</param>
/// <param name="Pruned">How many records that prune removed.</param>
/// <param name="Signature">HMAC-SHA256 of the other fields under the checkpoint key, in lowercase hex.</param>
public sealed record AuditCheckpoint(long Sequence, string PreviousHash, DateTimeOffset CreatedAt, long Pruned, string Signature);
