using System.Text.Json;
using Gatehouse.Policy.Json;

namespace Gatehouse.Policy.Testing;

/// <summary>One entry of a cases file: a call, who makes it, and the outcome expected.</summary>
internal sealed record TestCase(
    string Name,
    SourcePosition At,
    TestTarget Target,
    string Subject,
    JsonElement? Arguments,
    ToolClass? ToolClass,
    string Identity,
    string Grant,
    string Session,
    string Expect,
    string? Rule,
    int Repeat);

/// <summary>What kind of thing a case calls.</summary>
internal enum TestTarget
{
    Tool,
    Resource,
    Prompt,
}
