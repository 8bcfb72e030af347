using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Gatehouse.Audit;

/// <summary>
/// The hash chain: each record's SHA-256 covers its own fields and the previous record's hash. The bytes hashed
/// are a fixed, length-prefixed encoding of every field (not JSON, whose escaping a library may change), so a
/// chain written today verifies with any later Gatehouse.
/// </summary>
public static class AuditChain
{
    /// <summary>The previous hash of the first record ever written.</summary>
    public static string Genesis { get; } = new('0', 64);

    private static readonly byte[] s_domain = Encoding.ASCII.GetBytes("gatehouse-audit-v1");

    /// <summary>The hash of record <paramref name="sequence"/> holding <paramref name="record"/> after <paramref name="previousHash"/>.</summary>
    public static string Hash(long sequence, AuditEvent record, string previousHash)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(previousHash);
        Span<char> number = stackalloc char[20];
        Span<char> time = stackalloc char[20];
        Span<char> latency = stackalloc char[20];
        string?[] fields =
        [
            record.Kind, record.Identity, record.Grant, record.Server, record.Session, record.RequestId, record.Method, record.Target,
            record.Arguments, record.Decision, record.Rule, record.Reason, record.Outcome,
        ];
        ReadOnlySpan<char> sequenceText = Format(sequence, number);
        ReadOnlySpan<char> timeText = Format(record.Time.ToUnixTimeMilliseconds(), time);
        ReadOnlySpan<char> latencyText = record.LatencyMicroseconds is { } us ? Format(us, latency) : default;

        var length = s_domain.Length + EncodedLength(sequenceText) + EncodedLength(timeText) + EncodedLength(latencyText, record.LatencyMicroseconds is null) +
            EncodedLength(previousHash);
        foreach (var field in fields)
        {
            length += EncodedLength(field, field is null);
        }

        // One buffer and one hash call per record: hashing field by field cost a native call per field, which was
        // most of what appending a record cost.
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var buffer = rented.AsSpan();
            s_domain.CopyTo(buffer);
            var at = s_domain.Length;
            at += Encode(buffer[at..], sequenceText);
            at += Encode(buffer[at..], timeText);
            foreach (var field in fields)
            {
                at += Encode(buffer[at..], field, field is null);
            }

            at += Encode(buffer[at..], latencyText, record.LatencyMicroseconds is null);
            at += Encode(buffer[at..], previousHash);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer[..at], hash);
            return Convert.ToHexStringLower(hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Chains <paramref name="events"/> after the record numbered <paramref name="lastSequence"/> whose hash is <paramref name="lastHash"/>.</summary>
    public static IReadOnlyList<AuditRecord> Extend(long lastSequence, string lastHash, IReadOnlyList<AuditEvent> events)
    {
        var records = new AuditRecord[events.Count];
        var previous = lastHash;
        for (var i = 0; i < events.Count; i++)
        {
            var sequence = lastSequence + 1 + i;
            var hash = Hash(sequence, events[i], previous);
            records[i] = new AuditRecord(sequence, events[i], previous, hash);
            previous = hash;
        }

        return records;
    }

    private static ReadOnlySpan<char> Format(long value, Span<char> destination) =>
        value.TryFormat(destination, out var written, provider: CultureInfo.InvariantCulture) ? destination[..written] : throw new UnreachableException();

    // A null and an empty string must hash differently, and no two field lists may encode to the same bytes:
    // each field is a presence byte, then its length (big-endian), then its UTF-8.
    private static int EncodedLength(ReadOnlySpan<char> value, bool missing = false) =>
        missing ? 1 : 5 + Encoding.UTF8.GetByteCount(value);

    private static int Encode(Span<byte> destination, ReadOnlySpan<char> value, bool missing = false)
    {
        if (missing)
        {
            destination[0] = 0;
            return 1;
        }

        var written = Encoding.UTF8.GetBytes(value, destination[5..]);
        destination[0] = 1;
        BinaryPrimitives.WriteInt32BigEndian(destination[1..], written);
        return 5 + written;
    }
}
