using Gatehouse.Cli;
using Gatehouse.Testing;

namespace Gatehouse.Tests.Cli;

/// <summary>
/// The command line's promises to people and scripts: every command explains itself with an example, and the
/// exit code tells bad usage (2) from a failed check (1).
/// </summary>
public sealed class CliTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Every_command_says_what_it_does_with_an_example()
    {
        // Walked from the root's help rather than listed here, so that a command added later is held to it too.
        var commands = new List<string[]>();
        var problems = new List<string>();
        var pending = new Queue<string[]>(await SubcommandsAsync([]));
        while (pending.TryDequeue(out var command))
        {
            commands.Add(command);
            var help = await RunAsync([.. command, "--help"]);
            var name = string.Join(' ', command);
            if (help.ExitCode != 0)
            {
                problems.Add($"'{name} --help' exited {help.ExitCode}: {help.Error}");
            }
            else if (!DescriptionOf(help.Output).Any(char.IsLetter))
            {
                problems.Add($"'{name} --help' does not say what the command does.");
            }
            else if (!help.Output.Contains("Example", StringComparison.Ordinal))
            {
                problems.Add($"'{name} --help' gives no example.");
            }

            foreach (var subcommand in await SubcommandsAsync(command))
            {
                pending.Enqueue(subcommand);
            }
        }

        Assert.Subset(commands.Select(c => string.Join(' ', c)).ToHashSet(), new HashSet<string> { "serve", "stdio", "demo", "demo-server" });
        Assert.Empty(problems);
    }

    [Theory]
    [InlineData("frobnicate", "frobnicate")]
    [InlineData("--frobnicate", "serve", "--frobnicate")]
    [InlineData("--server", "stdio", "--config", "gatehouse.json")]
    public async Task Bad_usage_exits_2_and_says_what_was_wrong(string named, params string[] args)
    {
        var result = await RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(named, result.Error);
        Assert.Contains("--help", result.Error);
    }

    [Fact]
    public async Task Serve_with_an_invalid_configuration_exits_1_naming_file_line_column_and_field()
    {
        var path = _directory.Write("gatehouse.json", """
            {
              "mcpServers": {
                "broken": { "command": 42 }
              }
            }
            """);
        var column = File.ReadAllLines(path)[2].IndexOf("42", StringComparison.Ordinal) + 1;

        var result = await RunAsync(["serve", "--config", path]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{path}:3:{column}: mcpServers.broken.command:", result.Error);
        Assert.Contains("did not start", result.Error);
    }

    [Fact]
    public async Task Serve_with_a_missing_configuration_exits_1_naming_the_file()
    {
        var path = _directory.File("nowhere.json");

        var result = await RunAsync(["serve", "--config", path]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{path}: file not found", result.Error);
    }

    [Fact]
    public async Task Stdio_with_an_unknown_server_exits_2_naming_the_servers_there_are()
    {
        var path = _directory.Write("gatehouse.json", """{ "mcpServers": { "listmonk": { "command": "listmonk-mcp" } } }""");

        var result = await RunAsync(["stdio", "--config", path, "--server", "unknown"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no server named 'unknown'", result.Error);
        Assert.Contains("listmonk", result.Error);
    }

    private static Task<CliResult> RunAsync(string[] args) => CliRunner.RunAsync(args);

    /// <summary>The commands the help of <paramref name="command"/> lists, each as the words that invoke it.</summary>
    private static async Task<IEnumerable<string[]>> SubcommandsAsync(string[] command)
    {
        var help = await RunAsync([.. command, "--help"]);
        // Each command's line starts two spaces in; its description may wrap onto lines indented further.
        return Section(help.Output, "Commands:")
            .Where(line => line.Length > 2 && line.StartsWith("  ", StringComparison.Ordinal) && line[2] != ' ')
            .Select(line => (string[])[.. command, line.Trim().Split(' ')[0]]);
    }

    private static string DescriptionOf(string help) => string.Join('\n', Section(help, "Description:"));

    /// <summary>The lines under a heading of System.CommandLine's help, up to the next heading.</summary>
    private static IEnumerable<string> Section(string help, string heading) =>
        help.Split('\n')
            .Select(line => line.TrimEnd('\r'))
            .SkipWhile(line => line != heading)
            .Skip(1)
            .TakeWhile(line => line.Length == 0 || line[0] == ' ');
}
