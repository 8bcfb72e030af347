namespace Gatehouse.Policy.Engine;

/// <summary>How specifically a rule selects; a more specific level always beats a less specific one.</summary>
internal enum RuleLevel
{
    Exact,
    Glob,
    Class,
    Default,
}
