using System.Text.Json;
using Gatehouse.Policy.Engine;

namespace Gatehouse.Policy;

/// <summary>
/// A policy ready to decide calls: immutable, safe to share between threads, and free of I/O and clocks.
/// Rate limits are named, not counted: the caller consumes <see cref="PolicyDecision.Counters"/>.
/// </summary>
public sealed class CompiledPolicy
{
    internal CompiledPolicy(RuleSection tools, RuleSection resources, RuleSection prompts)
    {
        Tools = tools;
        Resources = resources;
        Prompts = prompts;
        Scopes = [.. new[] { tools, resources, prompts }.SelectMany(s => s.Rules).SelectMany(r => r.Decision.Scopes).Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>Every OAuth scope a rule of this policy names, once each, in ordinal order.</summary>
    public IReadOnlyList<string> Scopes { get; }

    internal RuleSection Tools { get; }

    internal RuleSection Resources { get; }

    internal RuleSection Prompts { get; }

    /// <summary>Decides a <c>tools/call</c>. <paramref name="toolClass"/> is the catalog's class, if the tool has been classified.</summary>
    public PolicyDecision DecideTool(string name, JsonElement? arguments, ToolClass? toolClass = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Tools.Select(name, toolClass).Decide(arguments);
    }

    /// <summary>
    /// Whether the catalog's class of tool <paramref name="name"/> can change its decision: true when no exact or glob
    /// rule selects it and the policy has class rules. Otherwise <see cref="DecideTool"/> needs no class.
    /// </summary>
    public bool ToolDependsOnClass(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Tools.DependsOnClass(name);
    }

    /// <summary>Decides a <c>resources/read</c> of <paramref name="uri"/>.</summary>
    public PolicyDecision DecideResource(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return Resources.Select(uri, null).Decision;
    }

    /// <summary>Decides a <c>prompts/get</c>.</summary>
    public PolicyDecision DecidePrompt(string name, JsonElement? arguments)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Prompts.Select(name, null).Decide(arguments);
    }

    /// <summary>
    /// Whether <c>tools/list</c> shows the tool: it does unless the deciding rule denies it. Arguments play no
    /// part, so a tool whose calls may be refused for bad arguments is still listed.
    /// </summary>
    public bool IsToolVisible(string name, ToolClass? toolClass = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Tools.Select(name, toolClass).Action != RuleAction.Deny;
    }

    /// <summary>Whether <c>resources/list</c> shows the resource.</summary>
    public bool IsResourceVisible(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return Resources.Select(uri, null).Action != RuleAction.Deny;
    }

    /// <summary>
    /// Whether <c>resources/templates/list</c> shows the template: when some URI it can produce might be read.
    /// Errs towards showing (reads are still decided one by one), never towards hiding a usable template.
    /// </summary>
    public bool IsResourceTemplateVisible(string uriTemplate)
    {
        ArgumentNullException.ThrowIfNull(uriTemplate);
        return ResourceTemplates.MayAllow(Resources, GlobPattern.FromUriTemplate(uriTemplate));
    }

    /// <summary>Whether <c>prompts/list</c> shows the prompt.</summary>
    public bool IsPromptVisible(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Prompts.Select(name, null).Action != RuleAction.Deny;
    }
}
