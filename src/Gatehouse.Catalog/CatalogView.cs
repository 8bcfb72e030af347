using System.Text.Json.Nodes;

namespace Gatehouse.Catalog;

/// <summary>The catalog's word on every tool of one listing, looked up by name on each call.</summary>
public sealed class CatalogView
{
    private readonly Dictionary<string, ToolStanding> _byName;

    internal CatalogView(IEnumerable<ToolStanding> standings, long generation)
    {
        _byName = standings.ToDictionary(standing => standing.Definition.Name, StringComparer.Ordinal);
        Generation = generation;
        AnyWithheld = _byName.Values.Any(standing => standing.Withheld);
    }

    /// <summary>Every tool of the listing.</summary>
    public IEnumerable<ToolStanding> Standings => _byName.Values;

    /// <summary>The <see cref="Generation"/> of a view made while the store could not settle it: made again on every call.</summary>
    internal const long Unsettled = -1;

    /// <summary>The state of the catalog this view was made from; a view from an older state is made again.</summary>
    internal long Generation { get; }

    internal bool AnyWithheld { get; }

    /// <summary>The standing of the tool named <paramref name="name"/>; null when the listing has no such tool.</summary>
    public ToolStanding? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>
    /// Whether <paramref name="item"/> shows a usable tool of this view with another definition than the one judged:
    /// the server changed the tool since the listing this view was made from.
    /// </summary>
    public bool ShowsChanged(JsonObject item) => Judged(item) is { } judged && judged.Standing.Definition.Hash != judged.Shown.Hash;

    /// <summary>
    /// The standing of a tool as a list result shows it, when the tool may be used: null when it is withheld, not in
    /// this listing, or shown with a definition other than the one judged (the server changed it between the two).
    /// </summary>
    public ToolStanding? Usable(JsonObject item) =>
        Judged(item) is { } judged && judged.Standing.Definition.Hash == judged.Shown.Hash ? judged.Standing : null;

    // The definition item shows, and the standing of the tool it names when that tool is not withheld.
    private (ToolDefinition Shown, ToolStanding Standing)? Judged(JsonObject item) =>
        ToolDefinition.FromJson(item) is { } shown && Find(shown.Name) is { Withheld: false } standing ? (shown, standing) : null;
}
