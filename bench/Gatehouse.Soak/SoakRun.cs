using System.Diagnostics;
using System.Globalization;
using Gatehouse.LoadDriver;
using Gatehouse.Testing;

namespace Gatehouse.Soak;

/// <summary>Everything one soak saw, for the report.</summary>
internal sealed record SoakResult(
    RunEnvironment Environment,
    SoakSettings Settings,
    string PolicyA,
    CallLedger Calls,
    Disturbances Disturbances,
    GatewayLog Log,
    IReadOnlyList<ProcessSample> Samples,
    ProcessSample AfterWarmup,
    ProcessSample Steady,
    ProcessSample EndOfLoad,
    ProcessSample Idle,
    int? StopExitCode,
    TimeSpan StopTime,
    int ProcessesLeft,
    AuditFindings Audit,
    TimeSpan RunTime,
    string LoadAverageAfter);

/// <summary>
/// One soak: <c>gatehouse serve</c> as a process of its own in front of the demo server, mixed load from several
/// clients with policy rewrites and upstream kills, then a clean stop and the audit log checked against what the
/// clients saw.
/// </summary>
internal static class SoakRun
{
    /// <param name="gatewayLog">Where to copy everything the gateway writes, or null.</param>
    public static async Task<SoakResult> RunAsync(SoakSettings settings, FileInfo? gatewayLog, Action<string> progress)
    {
        var clock = Stopwatch.StartNew();
        var environment = RunEnvironment.Capture(TimeProvider.System);
        using var directory = new TestDirectory();
        var marker = new ProcessMarker();
        var server = Upstreams.Demo(directory.File("demo.db"));
        var config = GatewayConfigFile.Write(directory, Upstreams.Servers(("demo", server)), new Dictionary<string, string> { ["demo"] = SoakPolicy.Text(0) });
        var policyPath = directory.File("policy-demo.json");
        await using var copy = gatewayLog is null ? null : new StreamWriter(gatewayLog.FullName) { AutoFlush = true };
        var log = new GatewayLog(copy);
        var calls = new CallLedger();

        await using var gateway = await GatehouseProcess.StartAsync(config, new Dictionary<string, string?> { [ProcessMarker.VariableName] = marker.Value });
        gateway.OutputLine += log.Receive;
        progress($"gateway started (pid {gateway.Id}) at {gateway.BaseUrl}; data in {directory.Path}");

        var load = Stopwatch.StartNew();
        var end = DateTime.UtcNow + settings.Duration;
        var disturbances = new Disturbances(gateway.Id, policyPath, settings, log, progress);
        var samples = new List<ProcessSample>();
        using var stopSampling = new CancellationTokenSource();
        var sampling = SampleAsync(gateway.Id, load, settings, samples, progress, stopSampling.Token);
        var clients = Enumerable.Range(0, settings.Clients).Select(n => new LoadClient(gateway, n, settings, calls).RunAsync(end));
        await Task.WhenAll([.. clients, disturbances.RunAsync(load, settings.Duration)]).WaitAsync(settings.Ceiling - clock.Elapsed);
        await stopSampling.CancelAsync();
        await sampling;
        progress($"load stopped after {load.Elapsed.TotalSeconds:0} s: {calls.Acknowledged.Count} tool calls acknowledged");

        var idle = await SettleAsync(gateway.Id, load, settings.SettleTimeout);
        progress($"sessions closed: {idle.Children} upstream processes left, {idle.FileDescriptors} descriptors, {idle.Threads} threads");

        var stopping = Stopwatch.StartNew();
        int? exitCode;
        try
        {
            exitCode = await gateway.StopAsync(settings.StopTimeout);
        }
        catch (TimeoutException ex)
        {
            exitCode = null;
            progress(ex.Message);
        }

        var stopTime = stopping.Elapsed;
        var left = marker.FindProcessIds();
        progress($"gateway stopped in {stopTime.TotalSeconds:0.0} s (exit code {exitCode?.ToString(CultureInfo.InvariantCulture) ?? "none"}); processes left: {left.Count}");

        var audit = await AuditCheck.RunAsync(config, calls.Acknowledged);
        progress($"audit: {audit.Records} records, {audit.Missing} acknowledged calls missing, chain {(audit.ChainVerified ? "verified" : "NOT verified")}");

        ProcessSample FirstFrom(TimeSpan at) => samples.FirstOrDefault(s => s.At >= at) ?? samples[^1];
        return new SoakResult(environment, settings, SoakPolicy.Text(0), calls, disturbances, log, samples,
            FirstFrom(settings.Warmup), FirstFrom(settings.SteadyFrom), samples[^1], idle, exitCode, stopTime, left.Count, audit, clock.Elapsed, RunEnvironment.LoadAverage());
    }

    /// <summary>Reads the gateway's figures every sample interval until the load stops, and once more at its end.</summary>
    private static async Task SampleAsync(int pid, Stopwatch load, SoakSettings settings, List<ProcessSample> samples, Action<string> progress,
        CancellationToken stop)
    {
        using var timer = new PeriodicTimer(settings.SampleInterval);
        do
        {
            var sample = ProcessProbe.Sample(pid, load.Elapsed);
            samples.Add(sample);
            progress($"gateway: {sample.ResidentKilobytes / 1024.0:0.0} MiB resident, {sample.FileDescriptors} descriptors, {sample.Threads} threads, {sample.Children} children");
        }
        while (load.Elapsed < settings.Duration && await WaitQuietlyAsync(timer, stop));
    }

    private static async Task<bool> WaitQuietlyAsync(PeriodicTimer timer, CancellationToken stop)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stop);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Waits, up to <paramref name="timeout"/>, for the gateway to stop the upstreams of the closed sessions.</summary>
    private static async Task<ProcessSample> SettleAsync(int pid, Stopwatch load, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        var sample = ProcessProbe.Sample(pid, load.Elapsed);
        while (sample.Children > 0 && waited.Elapsed < timeout)
        {
            await Task.Delay(250);
            sample = ProcessProbe.Sample(pid, load.Elapsed);
        }

        return sample;
    }
}
