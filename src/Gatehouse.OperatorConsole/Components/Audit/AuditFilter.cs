namespace Gatehouse.OperatorConsole.Components.Audit;

/// <summary>The audit page's filter form, as typed: the page reads it into a query only through the URL.</summary>
internal sealed class AuditFilter
{
    public string? Identity { get; set; }

    public string? Tool { get; set; }

    public string? Decision { get; set; } = "";

    public string? Server { get; set; }

    public string? Grant { get; set; }

    public string? Since { get; set; }

    public string? Until { get; set; }

    public void Load(IReadOnlyDictionary<string, string?> values)
    {
        Identity = values.GetValueOrDefault("identity");
        Tool = values.GetValueOrDefault("tool");
        Decision = values.GetValueOrDefault("decision") ?? "";
        Server = values.GetValueOrDefault("server");
        Grant = values.GetValueOrDefault("grant");
        Since = values.GetValueOrDefault("since");
        Until = values.GetValueOrDefault("until");
    }

    public Dictionary<string, string?> ToQuery() => new(StringComparer.Ordinal)
    {
        ["identity"] = Identity,
        ["tool"] = Tool,
        ["decision"] = Decision,
        ["server"] = Server,
        ["grant"] = Grant,
        ["since"] = Since,
        ["until"] = Until,
    };
}
