using System.Security.Cryptography;

namespace Gatehouse.Store.ApiKeys;

/// <summary>
/// What the store keeps instead of a key's secret. A plain SHA-256 is enough here, unlike for passwords: the
/// secret is 256 random bits, so there is no dictionary to try and brute force is out of reach however fast the
/// hash is. A slow KDF (PBKDF2, Argon2) would add its cost to every request and buy nothing.
/// </summary>
internal static class ApiKeySecretHash
{
    public static byte[] Compute(byte[] secret) => SHA256.HashData(secret);

    /// <summary>Compares in constant time, so response timing does not reveal how much of a guess was right.</summary>
    public static bool Matches(byte[] computed, byte[] stored) => CryptographicOperations.FixedTimeEquals(computed, stored);
}
