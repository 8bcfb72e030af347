using System.Diagnostics.CodeAnalysis;

namespace Gatehouse.Policy;

/// <summary>A compiled policy, or every reason the policy text was refused; never both.</summary>
public sealed class PolicyCompileResult
{
    internal PolicyCompileResult(CompiledPolicy? policy, IReadOnlyList<PolicyError> errors)
    {
        Policy = policy;
        Errors = errors;
    }

    [MemberNotNullWhen(true, nameof(Policy))]
    public bool Succeeded => Policy is not null;

    public CompiledPolicy? Policy { get; }

    /// <summary>All errors, ordered by position in the text.</summary>
    public IReadOnlyList<PolicyError> Errors { get; }
}
