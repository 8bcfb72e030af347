namespace Gatehouse.Audit;

/// <summary>
/// An event as the log holds it: numbered, and chained to the record before it by <see cref="PreviousHash"/>,
/// so that editing, inserting or deleting any record breaks the chain from there on.
/// </summary>
/// <param name="Sequence">1 for the first record ever written, then one more for each; never reused.</param>
/// <param name="Event">What happened.</param>
/// <param name="PreviousHash">The <see cref="Hash"/> of record <c>Sequence - 1</c>, or <see cref="AuditChain.Genesis"/> for the first.</param>
/// <param name="Hash">SHA-256 of this record's fields and <see cref="PreviousHash"/>, in lowercase hex (<see cref="AuditChain.Hash"/>).</param>
public sealed record AuditRecord(long Sequence, AuditEvent Event, string PreviousHash, string Hash);
