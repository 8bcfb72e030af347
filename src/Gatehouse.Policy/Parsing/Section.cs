namespace Gatehouse.Policy.Parsing;

/// <summary>The part of a policy a rule is written in; it decides which fields the rule may have.</summary>
internal enum Section
{
    Tools,
    Classes,
    Resources,
    Prompts,
}
