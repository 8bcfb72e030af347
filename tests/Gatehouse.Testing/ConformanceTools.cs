using System.Security.Cryptography;

namespace Gatehouse.Testing;

/// <summary>
/// The MCP conformance suite and its reference server, as scripts/install-node-tools.sh installs them in
/// <c>&lt;repo&gt;/.tools/conformance</c>, run on the Node 22 of <see cref="NodeTools"/>.
/// </summary>
public sealed class ConformanceTools
{
    /// <summary>The version of <c>@modelcontextprotocol/conformance</c> the script pins, for reports.</summary>
    public const string SuiteVersion = "0.2.0-alpha.12";

    private ConformanceTools(NodeTools node)
    {
        Node = node.Node;
        var prefix = Path.Combine(node.RepoRoot, ".tools", "conformance");
        SuiteCli = Path.Combine(prefix, "node_modules", "@modelcontextprotocol", "conformance", "dist", "index.js");
        ReferenceServer = Path.Combine(prefix, "reference-server", "everything-server.mjs");
        var vendored = Path.Combine(node.RepoRoot, "tests", "conformance-reference-server");
        ReferenceServerSource = Path.Combine(vendored, "everything-server.ts");
        LoopbackPreload = Path.Combine(vendored, "listen-on-loopback.mjs");
    }

    /// <summary>The Node 22 binary that runs the suite and the reference server.</summary>
    public string Node { get; }

    /// <summary>Run as <c>Node SuiteCli server --url URL --requirements REVISION</c>.</summary>
    public string SuiteCli { get; }

    /// <summary>The reference server compiled from <see cref="ReferenceServerSource"/>, to run with <see cref="LoopbackPreload"/>.</summary>
    public string ReferenceServer { get; }

    /// <summary>The vendored <c>everything-server.ts</c> that <see cref="ReferenceServer"/> was compiled from.</summary>
    public string ReferenceServerSource { get; }

    /// <summary>Loaded with <c>node --import</c>: binds the reference server to 127.0.0.1 and prints the port it got.</summary>
    public string LoopbackPreload { get; }

    /// <summary>
    /// Finds the installed suite and reference server. Throws, never returns null: a missing tool must fail
    /// the test that needs it rather than skip it unnoticed, and so must a reference server compiled from
    /// another version of its source than the one checked out.
    /// </summary>
    public static ConformanceTools Locate()
    {
        var tools = new ConformanceTools(NodeTools.Locate());
        var missing = new[] { tools.SuiteCli, tools.ReferenceServer, tools.ReferenceServerSource, tools.LoopbackPreload }
            .Where(path => !File.Exists(path))
            .ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"The conformance tools are not installed (missing: {string.Join(", ", missing)}). Run scripts/install-node-tools.sh from the repository root.");
        }

        // The script writes this line among the first of the compiled file.
        var stamp = $"// compiled from everything-server.ts sha256 {Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(tools.ReferenceServerSource)))}";
        if (!File.ReadLines(tools.ReferenceServer).Take(3).Contains(stamp))
        {
            throw new InvalidOperationException(
                $"{tools.ReferenceServer} was compiled from another version of {tools.ReferenceServerSource}. Run scripts/install-node-tools.sh from the repository root.");
        }

        return tools;
    }
}
