using System.Diagnostics;

namespace Gatehouse.Testing;

/// <summary>Sends a POSIX signal (STOP, CONT, KILL...) to processes, as an operator's <c>kill -SIGNAL</c> would.</summary>
public static class ProcessSignals
{
    public static void Send(string signal, params IEnumerable<int> processes)
    {
        foreach (var pid in processes)
        {
            using var kill = Process.Start(new ProcessStartInfo("kill", $"-{signal} {pid}") { UseShellExecute = false, RedirectStandardError = true })!;
            kill.WaitForExit();
        }
    }
}
