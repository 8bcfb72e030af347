using System.Globalization;

namespace Gatehouse.Soak;

/// <summary>
/// What a soak must show to pass, each check with what was seen. The resource bounds are generous on purpose:
/// a garbage-collected process on a shared machine wanders, a leak over minutes of constant load grows.
/// </summary>
internal static class SoakVerdict
{
    public sealed record Check(string Description, bool Passed, string Seen);

    public static IReadOnlyList<Check> Of(SoakResult run)
    {
        var calls = run.Calls;
        var d = run.Disturbances;
        var start = run.AfterWarmup;
        var end = run.EndOfLoad;
        var (a, b) = calls.VariantsSeen;
        return
        [
            new("every acknowledged tool call has its decision record in the audit log", run.Audit.Missing == 0,
                $"{run.Audit.Missing} missing of {calls.Acknowledged.Count}"),
            new("each record holds the decision the client was told", run.Audit.Mismatched == 0, $"{run.Audit.Mismatched} differ"),
            new("every allowed call a client saw answered has its outcome record too (a clean stop loses none)", run.Audit.AllowedWithoutOutcome == 0,
                $"{run.Audit.AllowedWithoutOutcome} without one"),
            new("the audit chain verifies (`gatehouse audit verify`)", run.Audit.ChainVerified, run.Audit.ChainVerified ? "intact" : "broken"),
            new("every call was answered and every session opened", calls.Total(CallAnswer.NoAnswer) == 0 && calls.ConnectFailures == 0,
                $"{calls.Total(CallAnswer.NoAnswer)} calls without an answer, {calls.ConnectFailures} session failures"),
            new("every tool list showed exactly what the policy allows", calls.Total(CallAnswer.WrongList) == 0,
                $"{calls.Total(CallAnswer.WrongList)} wrong lists"),
            new("every policy rewrite was reloaded, and clients were refused under both variants",
                d.Rewrites > 0 && d.ReloadsSeen == d.Rewrites && run.Log.RefusedReloads == 0 && a > 0 && b > 0,
                $"{d.ReloadsSeen} of {d.Rewrites} reloads logged, {run.Log.RefusedReloads} refused; denials under A: {a}, under B: {b}"),
            new("every killed upstream was restarted, unless its client closed the session first",
                d.Kills > 0 && d.Restarted > 0 && d.NotRestarted == 0 && run.Log.FailedRestarts == 0,
                $"{d.Kills} killed: {d.Restarted} restarted, {d.EndedBeforeRestart} sessions closed first, {d.NotRestarted} not restarted; {run.Log.FailedRestarts} failed attempts"),
            new("descriptors and threads did not grow under load (end within 25 % + 16 of the start)",
                end.FileDescriptors <= start.FileDescriptors * 1.25 + 16 && end.Threads <= start.Threads * 1.25 + 16,
                $"descriptors {start.FileDescriptors} → {end.FileDescriptors}, threads {start.Threads} → {end.Threads}"),
            new($"resident memory held steady once the resume window was full (end within 25 % of the sample at {run.Steady.At:m\\:ss})",
                end.ResidentKilobytes <= run.Steady.ResidentKilobytes * 1.25,
                $"{Mib(run.Steady.ResidentKilobytes)} → {Mib(end.ResidentKilobytes)} MiB ({Mib(start.ResidentKilobytes)} MiB after warm-up)"),
            new("once the sessions closed, no upstream process was left", run.Idle.Children == 0, $"{run.Idle.Children} left"),
            new("SIGTERM stopped the gateway cleanly (exit code 0) and nothing it started outlived it",
                run.StopExitCode == 0 && run.ProcessesLeft == 0,
                $"exit code {(run.StopExitCode is { } code ? code.ToString(CultureInfo.InvariantCulture) : "none, killed")} after {run.StopTime.TotalSeconds:0.0} s, {run.ProcessesLeft} processes left"),
        ];
    }

    public static string Mib(long kilobytes) => (kilobytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture);
}
