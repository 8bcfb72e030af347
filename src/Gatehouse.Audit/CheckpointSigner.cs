using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Gatehouse.Audit;

/// <summary>Signs and checks <see cref="AuditCheckpoint"/>s with the operator's checkpoint key (HMAC-SHA256).</summary>
public sealed class CheckpointSigner
{
    private readonly byte[] _key;

    public CheckpointSigner(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < 16)
        {
            throw new ArgumentException("A checkpoint key needs at least 16 bytes.", nameof(key));
        }

        _key = [.. key];
    }

    public AuditCheckpoint Sign(long sequence, string previousHash, DateTimeOffset createdAt, long pruned)
    {
        var created = DateTimeOffset.FromUnixTimeMilliseconds(createdAt.ToUnixTimeMilliseconds());
        return new AuditCheckpoint(sequence, previousHash, created, pruned, Compute(sequence, previousHash, created, pruned));
    }

    public bool IsValid(AuditCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var expected = Encoding.ASCII.GetBytes(Compute(checkpoint.Sequence, checkpoint.PreviousHash, checkpoint.CreatedAt, checkpoint.Pruned));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(checkpoint.Signature));
    }

    private string Compute(long sequence, string previousHash, DateTimeOffset createdAt, long pruned)
    {
        var text = string.Join('\n', "gatehouse-audit-checkpoint-v1",
            sequence.ToString(CultureInfo.InvariantCulture), previousHash,
            createdAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), pruned.ToString(CultureInfo.InvariantCulture));
        return Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(text)));
    }
}
