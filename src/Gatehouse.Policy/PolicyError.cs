namespace Gatehouse.Policy;

/// <summary>
/// One problem in a policy or cases file. <paramref name="Line"/> and <paramref name="Column"/> are 1-based;
/// the column counts Unicode characters. <paramref name="Path"/> names the offending field, e.g.
/// <c>tools.send_campaign.limits[0].window</c>; it is empty for the document itself.
/// </summary>
public sealed record PolicyError(int Line, int Column, string Path, string Message)
{
    public override string ToString() => $"{Line}:{Column}: {(Path.Length == 0 ? "$" : Path)}: {Message}";
}
