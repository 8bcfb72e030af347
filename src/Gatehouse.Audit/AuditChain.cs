using System.Buffers.Binary;
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
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(s_domain);
        Append(hash, sequence.ToString(CultureInfo.InvariantCulture));
        Append(hash, record.Time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        Append(hash, record.Kind);
        Append(hash, record.Identity);
        Append(hash, record.Grant);
        Append(hash, record.Server);
        Append(hash, record.Session);
        Append(hash, record.RequestId);
        Append(hash, record.Method);
        Append(hash, record.Target);
        Append(hash, record.Arguments);
        Append(hash, record.Decision);
        Append(hash, record.Rule);
        Append(hash, record.Reason);
        Append(hash, record.Outcome);
        Append(hash, record.LatencyMicroseconds?.ToString(CultureInfo.InvariantCulture));
        Append(hash, previousHash);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
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

    // A null and an empty string must hash differently, and no two field lists may encode to the same bytes:
    // each field is a presence byte, then its length, then its UTF-8.
    private static void Append(IncrementalHash hash, string? value)
    {
        Span<byte> header = stackalloc byte[5];
        if (value is null)
        {
            header[0] = 0;
            hash.AppendData(header[..1]);
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        header[0] = 1;
        BinaryPrimitives.WriteInt32BigEndian(header[1..], bytes.Length);
        hash.AppendData(header);
        hash.AppendData(bytes);
    }
}
