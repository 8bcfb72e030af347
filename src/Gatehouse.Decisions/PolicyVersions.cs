using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gatehouse.Audit;
using Gatehouse.Policy;

namespace Gatehouse.Decisions;

/// <summary>
/// A grant's policy file as an operator changes it (the console's builder): only text that compiles is written, each
/// saved text is kept with who saved it and when (beside the file, in <c>.gatehouse-history/FILE.versions.jsonl</c>),
/// every save is audited, and any kept version can be put back. The gateway applies a saved file at once.
/// </summary>
public sealed class PolicyVersions(GrantPolicies policies, IAuditLog audit, TimeProvider time)
{
    /// <summary>What the history calls the text that was in the file before the first save through Gatehouse.</summary>
    public const string BeforeFirstSave = "(the file as it was)";

    private static readonly JsonSerializerOptions s_lines = new(JsonSerializerDefaults.Web);
    // One save at a time, its audit record and its check of what it builds on included.
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The grant's policy file and its text now.</summary>
    /// <exception cref="KeyNotFoundException">The configuration has no such grant.</exception>
    public PolicyText Read(string grantId)
    {
        var grant = Require(grantId);
        return new PolicyText(grant.Grant.Id, grant.Grant.Server, grant.Policy.Path, File.ReadAllText(grant.Policy.Path));
    }

    /// <summary>The SHA-256 of <paramref name="text"/> as the history and the audit log name it (lowercase hex).</summary>
    public static string Sha256Of(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>
    /// Writes <paramref name="text"/> as the grant's policy when it compiles, keeps it in the history as saved by
    /// <paramref name="by"/>, applies it and records the save in the audit log; otherwise writes nothing and returns
    /// the compiler's errors.
    /// </summary>
    /// <exception cref="AuditUnavailableException">The save could not be recorded; the file was not written.</exception>
    /// <param name="basedOn">
    /// The SHA-256 (<see cref="Sha256Of"/>) of the text the change was made to; when the file holds another text now (a save
    /// made meanwhile), nothing is written, so that one operator's save never silently undoes another's. Null: any.
    /// </param>
    public async Task<PolicySave> SaveAsync(string grantId, string text, string by, CancellationToken cancellationToken, string? note = null,
        string? basedOn = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var grant = Require(grantId);
        var compiled = PolicyCompiler.Compile(text);
        if (!compiled.Succeeded)
        {
            return new PolicySave(false, compiled.Errors);
        }

        var path = grant.Policy.Path;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (basedOn is not null && File.Exists(path) && Sha256Of(File.ReadAllText(path)) != basedOn)
            {
                return new PolicySave(false, [], ChangedMeanwhile: true);
            }

            // The audit record comes first: a change the log could not record does not take effect.
            await audit.RecordChangeAsync(time, grant, by, "policy_saved", path,
                $"{by} saved the policy of grant '{grant.Grant.Id}' ({Path.GetFileName(path)}, sha256 {Sha256Of(text)[..12]}){(note is null ? "" : $": {note}")}",
                cancellationToken).ConfigureAwait(false);
            var history = HistoryPath(path);
            Directory.CreateDirectory(Path.GetDirectoryName(history)!);
            if (!File.Exists(history) && File.Exists(path))
            {
                var before = File.ReadAllText(path);
                Append(history, new PolicyVersion(0, File.GetLastWriteTimeUtc(path), BeforeFirstSave, Sha256Of(before), before));
            }

            // Written whole, then moved over the file: the gateway's reload never reads half a policy.
            var temporary = path + ".saving";
            File.WriteAllText(temporary, text);
            File.Move(temporary, path, overwrite: true);
            Append(history, new PolicyVersion(0, time.GetUtcNow(), by, Sha256Of(text), text));
        }
        finally
        {
            _gate.Release();
        }

        grant.Policy.Reload();
        return new PolicySave(true, []);
    }

    /// <summary>The kept versions of the grant's policy, newest first.</summary>
    public IReadOnlyList<PolicyVersion> List(string grantId)
    {
        var history = HistoryPath(Require(grantId).Policy.Path);
        if (!File.Exists(history))
        {
            return [];
        }

        var versions = File.ReadAllLines(history)
            .Where(line => line.Length > 0)
            .Select((line, index) => JsonSerializer.Deserialize<PolicyVersion>(line, s_lines)! with { Number = index + 1 })
            .ToList();
        versions.Reverse();
        return versions;
    }

    /// <summary>Saves version <paramref name="number"/> again, as <paramref name="by"/>: a revert is a save, audited as one.</summary>
    /// <param name="basedOn">As for <see cref="SaveAsync"/>: the text the operator saw when they chose to revert.</param>
    public Task<PolicySave> RevertAsync(string grantId, int number, string by, CancellationToken cancellationToken, string? basedOn = null) =>
        List(grantId).FirstOrDefault(v => v.Number == number) is { } version
            ? SaveAsync(grantId, version.Text, by, cancellationToken, $"back to version {number}", basedOn)
            : throw new KeyNotFoundException($"Grant '{grantId}' has no policy version {number}.");

    private GrantPolicy Require(string grantId) =>
        policies.Find(grantId) ?? throw new KeyNotFoundException($"There is no grant '{grantId}'.");

    private static string HistoryPath(string policyPath) =>
        Path.Combine(Path.GetDirectoryName(policyPath)!, ".gatehouse-history", Path.GetFileName(policyPath) + ".versions.jsonl");

    private static void Append(string history, PolicyVersion version) =>
        File.AppendAllText(history, JsonSerializer.Serialize(version, s_lines) + "\n");

}

/// <summary>A grant's policy file and its text.</summary>
public sealed record PolicyText(string Grant, string Server, string Path, string Text);

/// <summary>
/// Whether a save wrote the file; when not, why: the compiler's errors (with line and column), or
/// <paramref name="ChangedMeanwhile"/>, the file no longer holding the text the change was made to.
/// </summary>
public sealed record PolicySave(bool Saved, IReadOnlyList<PolicyError> Errors, bool ChangedMeanwhile = false);

/// <summary>One kept text of a policy: its number (1 is the oldest), when and by whom it was saved, its SHA-256.</summary>
public sealed record PolicyVersion(int Number, DateTimeOffset SavedAt, string By, string Sha256, string Text);
