namespace Gatehouse.Catalog.Tests.Classification;

/// <summary>docs/catalog.md shows operators the Listmonk tools' classes; it must say what the classifier says.</summary>
public sealed class CatalogDocTests
{
    private sealed record Row(string Tool, string Category, string Risk, string Rationale);

    [Fact]
    public void The_listmonk_table_is_what_the_classifier_says()
    {
        var rows = ListmonkTable();

        var expected = Tools.Listmonk()
            .Select(tool => (tool.Name, Classification: ToolClassifier.Classify(tool)))
            .Select(t => new Row(t.Name, t.Classification.Category.ToString().ToLowerInvariant(), t.Classification.Risk.ToString().ToLowerInvariant(), t.Classification.Rationale))
            .ToList();
        Assert.Equal(expected, rows);
    }

    [Fact]
    public void The_table_is_under_the_heading_operators_are_sent_to()
    {
        var text = Document();

        Assert.True(text.IndexOf("## How tools are classified", StringComparison.Ordinal) < text.IndexOf("### Listmonk's tools", StringComparison.Ordinal));
    }

    private static string Document() => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "catalog.md"));

    /// <summary>The rows of the table that follows the "Listmonk's tools" heading, up to the next heading.</summary>
    private static List<Row> ListmonkTable() => Document()
        .Split('\n')
        .SkipWhile(line => line.Trim() != "### Listmonk's tools")
        .Skip(1)
        .TakeWhile(line => !line.StartsWith('#'))
        .Where(line => line.StartsWith("| `", StringComparison.Ordinal))
        .Select(line => line.Trim().Trim('|').Split(" | "))
        .Select(cells => new Row(cells[0].Trim().Trim('`'), cells[1].Trim(), cells[2].Trim(), cells[3].Trim()))
        .ToList();
}
