using Gatehouse.Policy;

namespace Gatehouse.OperatorConsole.Components.Policies;

/// <summary>The text being edited in the builder and what the compiler makes of it.</summary>
/// <param name="Text">The policy's JSON as it stands in the editor.</param>
/// <param name="Compiled">The compiler's result for <paramref name="Text"/>: the policy, or its errors with line and column.</param>
public sealed record PolicyDraft(string Text, PolicyCompileResult Compiled)
{
    /// <summary>The draft of <paramref name="text"/>, compiled by the compiler of <c>gatehouse policy validate</c>.</summary>
    public static PolicyDraft Of(string text) => new(text, PolicyCompiler.Compile(text));
}
