namespace Gatehouse.Policy;

/// <summary>What the policy decided for one call.</summary>
public enum DecisionKind
{
    Allow,
    Deny,
    RequireApproval,
    InvalidArguments,
}
