using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Audit;
using Gatehouse.Policy;

namespace Gatehouse.Decisions;

/// <summary>
/// A grant's policy test cases: a <c>gatehouse policy test</c> cases file beside the policy, named after it
/// (<c>marketing.json</c> → <c>marketing.cases.json</c>). The console runs them against the text being edited, and keeps
/// a dry run as a new case: appended, written whole and audited with who kept it, as a policy save is.
/// </summary>
public sealed class PolicyCases(GrantPolicies policies, IAuditLog audit, TimeProvider time)
{
    private static readonly JsonSerializerOptions s_compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    // Keeps one at a time, the audit record included: the case number recorded is the one written.
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Where the cases of the policy at <paramref name="policyPath"/> are kept: beside it, <c>NAME.cases.json</c>.</summary>
    public static string PathFor(string policyPath)
    {
        ArgumentNullException.ThrowIfNull(policyPath);
        var name = Path.GetFileName(policyPath);
        var stem = name.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? name[..^".json".Length] : name;
        return Path.Combine(Path.GetDirectoryName(policyPath)!, stem + ".cases.json");
    }

    /// <summary>The grant's cases file (it may not exist yet).</summary>
    /// <exception cref="KeyNotFoundException">The configuration has no such grant.</exception>
    public string PathOf(string grantId) => PathFor(Require(grantId).Policy.Path);

    /// <summary>
    /// Runs the grant's cases against <paramref name="policy"/> (the text being edited, compiled) with the runner of
    /// <c>gatehouse policy test</c>; null when the grant has no cases file.
    /// </summary>
    public PolicyTestReport? Run(string grantId, CompiledPolicy policy)
    {
        var path = PathOf(grantId);
        return File.Exists(path) ? PolicyTestRunner.Run(policy, File.ReadAllText(path)) : null;
    }

    /// <summary>
    /// Appends <paramref name="testCase"/> to the grant's cases file (making it when there is none), as
    /// <paramref name="by"/>, and records that in the audit log. The file keeps its own layout: the case goes in
    /// before its closing bracket, on a line of its own. A file that is not a JSON array is left alone.
    /// </summary>
    public async Task<PolicyCaseKept> KeepAsync(string grantId, JsonObject testCase, string by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(testCase);
        var grant = Require(grantId);
        var path = PathFor(grant.Policy.Path);
        var line = testCase.ToJsonString(s_compact);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var text = File.Exists(path) ? File.ReadAllText(path) : "[]";
            int count;
            try
            {
                using var cases = JsonDocument.Parse(text);
                if (cases.RootElement.ValueKind != JsonValueKind.Array)
                {
                    return new PolicyCaseKept(path, 0, $"{Path.GetFileName(path)} is not a JSON array of cases");
                }

                count = cases.RootElement.GetArrayLength() + 1;
            }
            catch (JsonException ex)
            {
                return new PolicyCaseKept(path, 0, $"{Path.GetFileName(path)} is not JSON ({ex.Message})");
            }

            var end = text.LastIndexOf(']');
            var before = text[..end].TrimEnd();
            var appended = new StringBuilder(before)
                .Append(count == 1 ? "\n  " : ",\n  ").Append(line).Append('\n').Append(text[end..]);
            if (!appended.ToString().EndsWith('\n'))
            {
                appended.Append('\n');
            }

            // The audit record comes first: a change the log could not record does not take effect. The case's
            // arguments stay out of the log: a rule may redact them, and the file holds them anyway.
            await audit.RecordChangeAsync(time, grant, by, "policy_case_kept", path,
                $"{by} kept a test case of grant '{grant.Grant.Id}' in {Path.GetFileName(path)} (case {count}: {testCase["name"]})",
                cancellationToken).ConfigureAwait(false);

            // Written whole, then moved over the file: `gatehouse policy test` never reads half a file.
            var temporary = path + ".saving";
            File.WriteAllText(temporary, appended.ToString());
            File.Move(temporary, path, overwrite: true);
            return new PolicyCaseKept(path, count, null);
        }
        finally
        {
            _gate.Release();
        }
    }

    private GrantPolicy Require(string grantId) =>
        policies.Find(grantId) ?? throw new KeyNotFoundException($"There is no grant '{grantId}'.");
}

/// <summary>Whether a case was kept: its number in the file, or why the file was left alone.</summary>
/// <param name="Path">The cases file.</param>
/// <param name="Number">The case's 1-based position in the file; 0 when it was not kept.</param>
/// <param name="Problem">Why it was not kept; null when it was.</param>
public sealed record PolicyCaseKept(string Path, int Number, string? Problem);
