using Gatehouse.Configuration;

namespace Gatehouse.Relay;

/// <summary>Finds the program a stdio server's <c>command</c> names, the way a shell would.</summary>
internal static class CommandResolver
{
    /// <summary>The program's full path, or null when no such file exists.</summary>
    public static string? Find(UpstreamServerConfig server)
    {
        var command = server.Command!;
        if (command.Contains('/'))
        {
            var path = Path.IsPathRooted(command) ? command : Path.GetFullPath(command, server.Cwd ?? Environment.CurrentDirectory);
            return File.Exists(path) ? path : null;
        }

        var searchPath = server.Env.TryGetValue("PATH", out var own) ? own : Environment.GetEnvironmentVariable("PATH");
        return (searchPath ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, command))
            .FirstOrDefault(File.Exists);
    }
}
