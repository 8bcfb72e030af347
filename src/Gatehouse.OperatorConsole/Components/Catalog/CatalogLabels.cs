using Gatehouse.Catalog;
using Gatehouse.Policy;

namespace Gatehouse.OperatorConsole.Components.Catalog;

/// <summary>How the catalog pages name and colour a tool's standing and class, the same words the CLI prints.</summary>
internal static class CatalogLabels
{
    /// <summary>
    /// The tool's standing as an operator reads it: <c>new</c> for a tool listed but not pinned yet (the catalog pins it
    /// on the next listing), else its pin state as <c>gatehouse catalog</c> prints it.
    /// </summary>
    public static string Standing(ToolStanding tool) =>
        tool is { Pin: null, State: ToolPinState.Pinned } ? "new" : CatalogJson.Lower(tool.State);

    /// <summary>The badge class of <see cref="Standing"/>: withheld tools stand out, usable ones do not.</summary>
    public static string StandingClass(ToolStanding tool) => Standing(tool) switch
    {
        "pinned" => "gh-badge gh-badge-success",
        "new" => "gh-badge gh-badge-info",
        "changed" or "unchecked" => "gh-badge gh-badge-warning",
        _ => "gh-badge gh-badge-error",
    };

    /// <summary>The badge class of a risk; low and medium stay quiet.</summary>
    public static string RiskClass(ToolRisk risk) => risk switch
    {
        ToolRisk.Critical => "gh-badge gh-badge-error",
        ToolRisk.High => "gh-badge gh-badge-warning",
        _ => "gh-badge gh-badge-info",
    };

    /// <summary>A rationale without its closing "→ category, risk", which the page shows beside it.</summary>
    public static string ShortRationale(ToolClassification classification) =>
        classification.Rationale.LastIndexOf('→') is var arrow and > 0 ? classification.Rationale[..arrow].TrimEnd() : classification.Rationale;

    /// <summary>The address of a tool's page.</summary>
    public static string ToolHref(string server, string tool) => $"/ui/catalog/{Uri.EscapeDataString(server)}/{Uri.EscapeDataString(tool)}";

    /// <summary>The address of a server's catalog.</summary>
    public static string CatalogHref(string server) => $"/ui/catalog?server={Uri.EscapeDataString(server)}";
}
