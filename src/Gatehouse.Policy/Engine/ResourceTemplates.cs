namespace Gatehouse.Policy.Engine;

/// <summary>
/// Decides whether a resource template is worth listing without enumerating the URIs it can produce.
/// A deny glob that covers the whole template leaves only exact rules to allow anything; otherwise any
/// allowing rule that overlaps it, or an allowing default, may let some of its URIs through.
/// </summary>
internal static class ResourceTemplates
{
    public static bool MayAllow(RuleSection resources, GlobPattern template)
    {
        var allowing = resources.Rules.Where(rule => rule.Action != RuleAction.Deny).ToList();
        if (allowing.Any(rule => rule.Selector is ExactSelector exact && template.IsMatch(exact.Name)))
        {
            return true;
        }
        var coveredByDeny = resources.Rules.Any(rule => rule.Action == RuleAction.Deny && rule.Selector is GlobPattern glob && glob.Covers(template));
        if (coveredByDeny)
        {
            return false;
        }
        return resources.Default.Action != RuleAction.Deny
            || allowing.Any(rule => rule.Selector is GlobPattern glob && glob.Intersects(template));
    }
}
