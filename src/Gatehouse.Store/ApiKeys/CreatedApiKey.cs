namespace Gatehouse.Store.ApiKeys;

/// <summary>A newly created key.</summary>
/// <param name="Record">What the store keeps about it.</param>
/// <param name="Secret">
/// The whole key to hand to the client (<c>gh_&lt;id&gt;_&lt;secret&gt;</c>). Shown this once: the store keeps only a
/// hash, so it cannot be recovered. Never log it.
/// </param>
public sealed record CreatedApiKey(ApiKeyRecord Record, string Secret);
