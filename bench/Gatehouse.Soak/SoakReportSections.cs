using System.Globalization;
using System.Text;
using static Gatehouse.Soak.SoakVerdict;

namespace Gatehouse.Soak;

/// <summary>The report's sections after its checks: the figures each check rests on.</summary>
internal static class SoakReportSections
{
    public static void Resources(StringBuilder md, SoakResult run)
    {
        var during = run.Samples.Where(s => s.At >= run.Settings.Warmup).DefaultIfEmpty(run.EndOfLoad).ToList();
        md.AppendLine();
        md.AppendLine("## The gateway process");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"| | After warm-up ({run.AfterWarmup.At:m\\:ss}) | Resume window full ({run.Steady.At:m\\:ss}) | End of load ({run.EndOfLoad.At:m\\:ss}) | Lowest / highest after warm-up | Sessions closed, before the stop |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|");
        Figure(md, "Resident memory (MiB)", s => s.ResidentKilobytes / 1024.0, "0.0", run, during);
        Figure(md, "Open file descriptors", s => s.FileDescriptors, "0", run, during);
        Figure(md, "Threads", s => s.Threads, "0", run, during);
        Figure(md, "Child processes (upstreams)", s => s.Children, "0", run, during);
        Figure(md, "Children's resident memory (MiB)", s => s.ChildrenResidentKilobytes / 1024.0, "0.0", run, during);
        md.AppendLine();
        md.AppendLine("Times are load time (minutes:seconds). The gateway keeps every response event replayable for its resume window");
        md.AppendLine(CultureInfo.InvariantCulture, $"({run.Settings.ResumeWindow.TotalMinutes:0} minutes, at most 64 MiB), so its memory rises by design until the window is full; growth is judged after that.");
        var quarter = run.Samples.FirstOrDefault(s => s.At >= run.EndOfLoad.At * 0.75) ?? run.EndOfLoad;
        md.AppendLine(CultureInfo.InvariantCulture,
            $"Over the last quarter of the load ({quarter.At:m\\:ss} to {run.EndOfLoad.At:m\\:ss}) resident memory changed by {(run.EndOfLoad.ResidentKilobytes - quarter.ResidentKilobytes) / 1024.0:+0.0;-0.0;0} MiB, " +
            $"descriptors by {run.EndOfLoad.FileDescriptors - quarter.FileDescriptors:+0;-0;0}, threads by {run.EndOfLoad.Threads - quarter.Threads:+0;-0;0}.");
        md.AppendLine();
        md.AppendLine("Every sample, a minute apart (the soak reads them every " + run.Settings.SampleInterval.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) + " s):");
        md.AppendLine();
        md.AppendLine("| Load time | Resident MiB | Descriptors | Threads | Children |");
        md.AppendLine("|---:|---:|---:|---:|---:|");
        var step = Math.Max(1, (int)Math.Round(TimeSpan.FromMinutes(1) / run.Settings.SampleInterval));
        var shown = run.Samples.Where((_, i) => i % step == 0 || i == run.Samples.Count - 1);
        foreach (var sample in shown)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {sample.At:m\\:ss} | {Mib(sample.ResidentKilobytes)} | {sample.FileDescriptors} | {sample.Threads} | {sample.Children} |");
        }
    }

    public static void Calls(StringBuilder md, SoakResult run)
    {
        var calls = run.Calls;
        md.AppendLine();
        md.AppendLine("## Calls");
        md.AppendLine();
        md.AppendLine("| Asked for | Answer | Decision told | Calls |");
        md.AppendLine("|---|---|---|---:|");
        foreach (var ((intent, answer, decision), count) in calls.Counts.OrderBy(c => c.Key.Intent).ThenBy(c => c.Key.Answer).ThenBy(c => c.Key.Decision, StringComparer.Ordinal))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {Describe(intent)} | {answer} | {decision} | {count} |");
        }

        md.AppendLine(CultureInfo.InvariantCulture, $"| **all** | | | **{calls.Counts.Values.Sum()}** |");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"Sessions opened: {calls.SessionsOpened}, closed by their client: {calls.SessionsClosed}, failures to open or close one: {calls.ConnectFailures}. " +
            $"`Error` is a JSON-RPC error: a call in flight when its upstream was killed, or sent while it restarted.");
        if (calls.Errors.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("The JSON-RPC errors the clients got, by message:");
            md.AppendLine();
            foreach (var (message, count) in calls.Errors.OrderByDescending(e => e.Value))
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- {count} × \"{message}\"");
            }
        }

        if (calls.NoAnswerExamples.Any())
        {
            md.AppendLine();
            md.AppendLine("Calls and sessions that got no answer (first ten):");
            md.AppendLine();
            foreach (var example in calls.NoAnswerExamples)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- {example}");
            }
        }
    }

    public static void Disturbances(StringBuilder md, SoakResult run)
    {
        var d = run.Disturbances;
        var (a, b) = run.Calls.VariantsSeen;
        md.AppendLine();
        md.AppendLine("## Reloads and restarts");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- Policy rewrites: {d.Rewrites}; reloads the gateway logged: {run.Log.Reloads} ({d.ReloadsSeen} within {run.Settings.ConfirmTimeout.TotalSeconds:0} s of their rewrite); edits it refused: {run.Log.RefusedReloads}.");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Denials the clients read, by the variant their reason names: A {a}, B {b}.");
        var losses = run.Log.Losses.Values;
        md.AppendLine(CultureInfo.InvariantCulture,
            $"- Upstream processes killed: {d.Kills}; restarted, the client's session going on: {d.Restarted} (the slowest {d.SlowestRestart.TotalSeconds:0.0} s after its kill); " +
            $"session closed by its client before the restart: {d.EndedBeforeRestart}; not restarted within {run.Settings.ConfirmTimeout.TotalSeconds:0} s: {d.NotRestarted}.");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"- The gateway's log: {run.Log.Losses.Count} upstreams lost, {losses.Count(l => l == UpstreamLoss.Restarted)} restarted, " +
            $"{losses.Count(l => l == UpstreamLoss.SessionEnded)} whose session ended first; {run.Log.FailedRestarts} failed restart attempts.");
    }

    public static void Audit(StringBuilder md, SoakResult run)
    {
        var audit = run.Audit;
        md.AppendLine();
        md.AppendLine("## The audit log");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- Records exported: {audit.Records}; `tools/call` decisions: {string.Join(", ", audit.DecisionsByValue.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"))}; outcomes: {audit.Outcomes}.");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Acknowledged tool calls: {run.Calls.Acknowledged.Count}; without a decision record: **{audit.Missing}**; with another decision than the client was told: **{audit.Mismatched}**.");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"- Allowed calls by what the client got → the outcome the log holds: {string.Join(", ", audit.AllowedCallOutcomes.OrderBy(p => p.Key.Answer).ThenBy(p => p.Key.Outcome, StringComparer.Ordinal).Select(p => $"{p.Key.Answer} → {p.Key.Outcome ?? "**none**"} {p.Value}"))}.");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Decision records of calls no client saw answered (a call cut off by a session's end, for instance): {audit.UnacknowledgedDecisions}.");
        md.AppendLine(CultureInfo.InvariantCulture, $"- `gatehouse audit verify`: {(audit.ChainVerified ? "verified" : "**NOT verified**")}.");
        md.AppendLine();
        md.AppendLine("```");
        md.AppendLine(audit.VerifyOutput);
        md.AppendLine("```");
        foreach (var example in audit.MissingExamples.Select(e => "missing: " + e).Concat(audit.MismatchExamples.Select(e => "differs: " + e)))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {example}");
        }

        var onlyErrors = audit.AllowedCallOutcomes.Where(o => o.Key.Outcome is null).All(o => o.Key.Answer == CallAnswer.Error);
        if (audit.AllowedWithoutOutcome > 0 && onlyErrors && run.Calls.Errors.Keys.Any(m => m.Contains("is restarting", StringComparison.Ordinal)))
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture,
                $"**Found by this soak**: the {audit.AllowedWithoutOutcome} allowed calls without an outcome record all got a JSON-RPC error, and the clients were");
            md.AppendLine("told \"is restarting; retry the request shortly\": calls sent while their upstream restarted, which never reached it. The log");
            md.AppendLine("records each as `allow` and nothing after it, which a reader cannot tell from a call whose outcome a crash lost. In the");
            md.AppendLine("relay, `CallPath.Forward` fails a call whose upstream is restarting through `FailAsync`, and `PendingRequests.Take` records an");
            md.AppendLine("outcome only for a call that was forwarded; a call cancelled before it was forwarded is recorded as `cancelled`.");
        }
    }

    public static void GatewayLog(StringBuilder md, SoakResult run)
    {
        md.AppendLine();
        md.AppendLine("## Warnings and errors the gateway logged");
        md.AppendLine();
        var problems = run.Log.Problems;
        if (problems.Count == 0)
        {
            md.AppendLine("None.");
            return;
        }

        md.AppendLine("By level and logger event, with the first of each (the upstreams' own log lines come on the same stream):");
        md.AppendLine();
        md.AppendLine("| Event | Count | First |");
        md.AppendLine("|---|---:|---|");
        foreach (var (name, count, example) in problems)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| `{name}` | {count} | `{example.Replace('|', '/').Replace('`', '\'')}` |");
        }
    }

    private static void Figure(StringBuilder md, string name, Func<ProcessSample, double> value, string format, SoakResult run, List<ProcessSample> during) =>
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| {name} | {value(run.AfterWarmup).ToString(format, CultureInfo.InvariantCulture)} | {value(run.Steady).ToString(format, CultureInfo.InvariantCulture)} | {value(run.EndOfLoad).ToString(format, CultureInfo.InvariantCulture)} | " +
            $"{during.Min(value).ToString(format, CultureInfo.InvariantCulture)} / {during.Max(value).ToString(format, CultureInfo.InvariantCulture)} | {value(run.Idle).ToString(format, CultureInfo.InvariantCulture)} |");

    private static string Describe(CallIntent intent) => intent switch
    {
        CallIntent.AllowedTool => $"allowed tools ({string.Join(", ", SoakPolicy.AllowedTools)})",
        CallIntent.DeniedTool => $"denied `{SoakPolicy.DeniedTool}`",
        CallIntent.LimitedTool => $"rate-limited `{SoakPolicy.LimitedTool}`",
        CallIntent.CheckedToolGoodArguments => $"`{SoakPolicy.CheckedTool}`, `per_page` {SoakPolicy.GoodPerPage}",
        CallIntent.CheckedToolBadArguments => $"`{SoakPolicy.CheckedTool}`, `per_page` {SoakPolicy.BadPerPage}",
        _ => "`tools/list`",
    };
}
