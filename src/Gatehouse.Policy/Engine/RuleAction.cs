namespace Gatehouse.Policy.Engine;

/// <summary>What a rule does. Ordered by restrictiveness: among equally specific rules the greater wins.</summary>
internal enum RuleAction
{
    Allow,
    RequireApproval,
    Deny,
}
