using System.Text.Json;
using System.Text.RegularExpressions;
using FsCheck.Xunit;
using Gatehouse.Policy.Tests.Reference;
using Json.Schema;

namespace Gatehouse.Policy.Tests;

/// <summary>The reference and the editor schema in docs/ must say what the engine does.</summary>
public partial class DocsTests
{
    private static readonly string _docs = Path.Combine(RepositoryRoot(), "docs");
    private static readonly JsonSchema _editorSchema =
        JsonSchema.Build(JsonElement.Parse(File.ReadAllText(Path.Combine(_docs, "policy.schema.json"))), new BuildOptions { SchemaRegistry = new SchemaRegistry() });

    public static TheoryData<string> ReferenceExamples()
    {
        var examples = new TheoryData<string>();
        foreach (Match block in JsonBlock().Matches(File.ReadAllText(Path.Combine(_docs, "policy.md"))))
        {
            examples.Add(block.Groups[1].Value);
        }
        return examples;
    }

    [Theory]
    [MemberData(nameof(ReferenceExamples))]
    public void Every_example_in_the_reference_works(string example)
    {
        if (example.TrimStart().StartsWith('['))
        {
            var report = PolicyTestRunner.Run(Policies.Compile(Policies.Verbatim), example);
            Assert.True(report.Succeeded, string.Join(Environment.NewLine, report.Errors.Concat<object>(report.Results)));
            return;
        }
        Policies.Compile(example);
        Assert.True(ConformsToEditorSchema(example));
    }

    [Theory]
    [InlineData("""{ "version": "1", "tools": { "t": { "actoin": "deny" } } }""")]
    [InlineData("""{ "version": "2" }""")]
    [InlineData("""{ "default": "deny" }""")]
    [InlineData("""{ "version": "1", "default": "require_approval" }""")]
    [InlineData("""{ "version": "1", "tools": { "": "allow" } }""")]
    [InlineData("""{ "version": "1", "tools": { "t ": "allow" } }""")]
    [InlineData("""{ "version": "1", "tools": { "t": "permit" } }""")]
    [InlineData("""{ "version": "1", "tools": { "t": { "action": "deny", "limits": [ { "counter": "c", "window": 1, "max": 1 } ] } } }""")]
    [InlineData("""{ "version": "1", "tools": { "t": { "approvers": ["a"] } } }""")]
    [InlineData("""{ "version": "1", "tools": { "t": { "limits": [ { "counter": "c", "window": "90x", "max": 1 } ] } } }""")]
    [InlineData("""{ "version": "1", "tools": { "t": { "limits": [ { "counter": "c", "window": 1, "max": 0 } ] } } }""")]
    [InlineData("""{ "version": "1", "tools": { "t": { "rate_limit": { "max": 1 } } } }""")]
    [InlineData("""{ "version": "1", "tools": { "t": { "arguments": { "conditions": { "a": {} } } } } }""")]
    [InlineData("""{ "version": "1", "resources": { "docs/*": "allow" } }""")]
    [InlineData("""{ "version": "1", "resources": { "file:///a": { "arguments": {} } } }""")]
    [InlineData("""{ "version": "1", "classes": [ { "action": "deny" } ] }""")]
    [InlineData("""{ "version": "1", "classes": [ { "risk": "severe" } ] }""")]
    public void The_editor_schema_refuses_what_the_engine_refuses(string policy)
    {
        Assert.NotEmpty(PolicyCompiler.Compile(policy).Errors);
        Assert.False(ConformsToEditorSchema(policy));
    }

    [Property(MaxTest = 200, Arbitrary = [typeof(ScenarioGenerators)])]
    public void The_editor_schema_accepts_every_policy_the_engine_accepts(Scenario scenario)
    {
        Assert.True(ConformsToEditorSchema(scenario.Policy.ToJson()));
    }

    private static bool ConformsToEditorSchema(string policy) => _editorSchema.Evaluate(JsonElement.Parse(policy)).IsValid;

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Gatehouse.slnx")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("Gatehouse.slnx not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("```json\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();
}
