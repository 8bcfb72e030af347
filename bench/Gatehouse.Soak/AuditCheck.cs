using System.Diagnostics;
using System.Text.Json;
using Gatehouse.Testing;

namespace Gatehouse.Soak;

/// <summary>What the audit log says about the run, read with the command line an operator would use.</summary>
internal sealed record AuditFindings(
    bool ChainVerified,
    string VerifyOutput,
    long Records,
    IReadOnlyDictionary<string, int> DecisionsByValue,
    int Outcomes,
    int Missing,
    IReadOnlyList<string> MissingExamples,
    int Mismatched,
    IReadOnlyList<string> MismatchExamples,
    int UnacknowledgedDecisions,
    IReadOnlyDictionary<(CallAnswer Answer, string? Outcome), int> AllowedCallOutcomes)
{
    /// <summary>Allowed calls a client saw answered whose outcome the log does not hold.</summary>
    public int AllowedWithoutOutcome => AllowedCallOutcomes.Where(o => o.Key.Outcome is null).Sum(o => o.Value);
}

/// <summary>
/// Runs <c>gatehouse audit verify</c> and <c>gatehouse audit export --format jsonl</c> against the stopped gateway's
/// configuration, and looks up every call a client saw answered by its session and request id.
/// </summary>
internal static class AuditCheck
{
    private static readonly TimeSpan s_commandTimeout = TimeSpan.FromMinutes(5);

    public static async Task<AuditFindings> RunAsync(string configPath, IReadOnlyCollection<AcknowledgedCall> acknowledged)
    {
        var verify = new List<string>();
        var (verifyExit, verifyErrors) = await RunCliAsync(["audit", "verify", "--config", configPath], verify.Add);

        var decisions = new Dictionary<(string Session, string RequestId), string?>();
        var outcomeOf = new Dictionary<(string Session, string RequestId), string?>();
        var byValue = new Dictionary<string, int>(StringComparer.Ordinal);
        long records = 0;
        var outcomes = 0;
        var (exported, exportErrors) = await RunCliAsync(["audit", "export", "--format", "jsonl", "--config", configPath], line =>
        {
            using var record = JsonDocument.Parse(line);
            var root = record.RootElement;
            records++;
            var kind = Text(root, "kind");
            outcomes += kind == "outcome" ? 1 : 0;
            if (Text(root, "method") != "tools/call" || Text(root, "session") is not { } session || Text(root, "requestId") is not { } id)
            {
                return;
            }

            if (kind == "outcome")
            {
                outcomeOf[(session, id)] = Text(root, "outcome");
            }
            else if (kind == "decision")
            {
                var decision = Text(root, "decision");
                decisions[(session, id)] = decision;
                byValue[decision ?? "(none)"] = byValue.GetValueOrDefault(decision ?? "(none)") + 1;
            }
        });
        if (exported != 0)
        {
            throw new InvalidOperationException($"gatehouse audit export exited with {exported}: {exportErrors}");
        }

        var missing = new List<string>();
        var mismatched = new List<string>();
        var found = 0;
        var allowedOutcomes = new Dictionary<(CallAnswer, string?), int>();
        foreach (var call in acknowledged)
        {
            if (!decisions.TryGetValue((call.Session, call.RequestId), out var decision))
            {
                missing.Add($"{call.RequestId} ({call.Tool}, {call.Answer} {call.Decision}) in session {call.Session}");
                continue;
            }

            found++;
            if (decision == "allow")
            {
                var key = (call.Answer, outcomeOf.GetValueOrDefault((call.Session, call.RequestId)));
                allowedOutcomes[key] = allowedOutcomes.GetValueOrDefault(key) + 1;
            }

            if (call.Decision is not null && call.Decision != decision)
            {
                mismatched.Add($"{call.RequestId} ({call.Tool}): the client was told {call.Decision}, the log says {decision}");
            }
        }

        return new AuditFindings(verifyExit == 0, string.Join('\n', verify.Append(verifyErrors)).Trim(), records, byValue, outcomes, missing.Count, [.. missing.Take(10)],
            mismatched.Count, [.. mismatched.Take(10)], decisions.Count - found, allowedOutcomes);
    }

    private static string? Text(JsonElement record, string name) =>
        record.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>
    /// Runs <c>dotnet gatehouse.dll</c> with <paramref name="arguments"/>, handing each line of its standard output to
    /// <paramref name="line"/>; returns its exit code and its standard error.
    /// </summary>
    private static async Task<(int ExitCode, string Errors)> RunCliAsync(IReadOnlyList<string> arguments, Action<string> line)
    {
        var startInfo = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        startInfo.ArgumentList.Add(Upstreams.GatehouseAssembly);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start 'dotnet gatehouse.dll'.");
        using var timeout = new CancellationTokenSource(s_commandTimeout);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } text)
        {
            line(text);
        }

        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await errors).Trim());
    }
}
