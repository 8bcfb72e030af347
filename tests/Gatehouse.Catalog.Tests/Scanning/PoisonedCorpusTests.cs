using System.Text.Json.Nodes;

namespace Gatehouse.Catalog.Tests.Scanning;

/// <summary>Published tool-poisoning attacks (poisoned-tools.json, each citing its source) are all caught.</summary>
public sealed class PoisonedCorpusTests
{
    private static readonly JsonArray _cases = TestData.Load("Scanning/poisoned-tools.json")["cases"]!.AsArray();

    public static TheoryData<string> CaseIds()
    {
        var ids = new TheoryData<string>();
        foreach (var item in _cases)
        {
            ids.Add(item!["id"]!.GetValue<string>());
        }

        return ids;
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void A_published_attack_is_flagged_with_its_kinds(string id)
    {
        var item = _cases.Single(c => c!["id"]!.GetValue<string>() == id)!;
        var otherTools = item["otherTools"]?.AsArray().Select(name => name!.GetValue<string>()).ToList() ?? [];

        var findings = PoisoningScanner.Scan(TestData.Tool(item["tool"]!), otherTools);

        var found = string.Join("\n", findings);
        foreach (var kind in item["expect"]!.AsArray().Select(kind => kind!.GetValue<string>()))
        {
            Assert.True(findings.Any(f => f.Kind == kind), $"{id}: no {kind} finding. Found:\n{found}");
        }

        foreach (var at in item["expectAt"]?.AsArray() ?? [])
        {
            var (kind, location) = (at!["kind"]!.GetValue<string>(), at["location"]!.GetValue<string>());
            Assert.True(findings.Any(f => f.Kind == kind && f.Location == location), $"{id}: no {kind} at {location}. Found:\n{found}");
        }
    }

    [Fact]
    public void The_corpus_cites_a_source_for_each_attack_and_covers_every_kind()
    {
        Assert.True(_cases.Count >= 30, $"Only {_cases.Count} cases.");
        Assert.All(_cases, item => Assert.False(string.IsNullOrWhiteSpace(item!["source"]?.GetValue<string>())));
        Assert.Equal(_cases.Count, _cases.Select(item => item!["id"]!.GetValue<string>()).Distinct().Count());

        var kinds = _cases.SelectMany(item => item!["expect"]!.AsArray().Select(kind => kind!.GetValue<string>())).ToHashSet();
        Assert.Equal(
            new[] { PoisoningKinds.Exfiltration, PoisoningKinds.HiddenTag, PoisoningKinds.Instructions, PoisoningKinds.InvisibleText, PoisoningKinds.OtherTool }.Order(),
            kinds.Order());
    }
}
