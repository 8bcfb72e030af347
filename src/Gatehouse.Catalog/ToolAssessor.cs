using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Gatehouse.Configuration;

namespace Gatehouse.Catalog;

/// <summary>A tool's definition with its class and what the poisoning scan found in it.</summary>
internal sealed record Assessment(ToolDefinition Definition, ToolClassification Classification, IReadOnlyList<PoisoningFinding> Findings);

/// <summary>
/// Classifies and scans tool definitions, the operator's own classes first, and remembers the outcome: each
/// session lists the same definitions again, and judging a definition twice would give the same answer.
/// </summary>
internal sealed class ToolAssessor(GatehouseConfig config)
{
    // Enough for every definition of many servers; a server that churns out more only costs a fresh assessment.
    private const int MaxRemembered = 10_000;

    // The tool objects a session holds: a call finds its tool's assessment without hashing it again.
    private readonly ConditionalWeakTable<JsonObject, Assessment> _byObject = new();

    // By server, definition and the names of its siblings (which the scan reads for shadowing).
    private readonly ConcurrentDictionary<(string Server, string Hash, string Siblings), Assessment> _byHash = new();

    /// <summary>
    /// The assessment of each tool of a listing; the names of the tools it leaves out, whose definitions no reader
    /// can read, in <paramref name="unreadable"/>.
    /// </summary>
    public List<Assessment> AssessListing(string server, IReadOnlyDictionary<string, JsonObject> tools, List<string> unreadable)
    {
        var siblings = Fingerprint(tools.Keys);
        var assessments = new List<Assessment>(tools.Count);
        foreach (var (name, tool) in tools)
        {
            if (_byObject.TryGetValue(tool, out var known))
            {
                assessments.Add(known);
                continue;
            }

            if (ToolDefinition.FromJson(tool) is not { } definition)
            {
                unreadable.Add(name);
                continue;
            }

            if (_byHash.Count >= MaxRemembered)
            {
                _byHash.Clear();
            }

            var assessment = _byHash.GetOrAdd((server, definition.Hash, siblings), _ => Assess(server, definition, tools.Keys));
            _byObject.AddOrUpdate(tool, assessment);
            assessments.Add(assessment);
        }

        return assessments;
    }

    /// <summary>The assessment of one definition, among siblings named <paramref name="names"/>.</summary>
    public Assessment Assess(string server, ToolDefinition definition, IEnumerable<string> names)
    {
        var others = names.Where(name => name != definition.Name).ToList();
        var classification = config.McpServers.GetValueOrDefault(server)?.ToolClasses.GetValueOrDefault(definition.Name) is { } set
            ? Overridden(set)
            : ToolClassifier.Classify(definition);
        return new Assessment(definition, classification, PoisoningScanner.Scan(definition, others));
    }

    private static ToolClassification Overridden(ToolClassOverride set)
    {
        var label = $"{CatalogJson.Lower(set.Category)}, {CatalogJson.Lower(set.Risk)}";
        return new ToolClassification(set.Category, set.Risk, $"{set.Reason ?? "Set by the operator in the configuration."} (the operator's class) → {label}");
    }

    private static string Fingerprint(IEnumerable<string> names) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', names.Order(StringComparer.Ordinal)))));
}
