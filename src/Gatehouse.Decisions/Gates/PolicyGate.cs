using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Audit;
using Gatehouse.Policy;
using Gatehouse.Relay;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Decisions.Gates;

/// <summary>
/// The grant's policy decides the call by what it names (a tool, a resource, a prompt) and its arguments; a request that
/// names nothing it can decide on is refused. A denial stands here unless a rule by class could lift it once the catalog
/// says the tool's class (<see cref="CatalogGate"/>).
/// </summary>
internal sealed class PolicyGate : ICallGate
{
    /// <inheritdoc />
    public ValueTask<RequestDecision?> PassAsync(CallContext call, CancellationToken cancellationToken) => ValueTask.FromResult(Decide(call));

    private static RequestDecision? Decide(CallContext call)
    {
        var request = call.Request;
        switch (request.Method)
        {
            case RequestMethods.ToolsCall:
                if (StringParam(request, "name") is not { } tool)
                {
                    return call.Malformed("tools/call needs the name of a tool.");
                }

                call.Tool = tool;
                call.Arguments = Arguments(request);
                call.Decision = call.Policy.DecideTool(tool, call.Arguments);
                call.ByClass = call.Policy.ToolDependsOnClass(tool);
                call.Describe(tool);
                // A name the policy denies is refused without asking the upstream anything.
                return call.Decision.Kind == DecisionKind.Deny && !call.ByClass ? call.RefuseAsDecided() : null;

            case RequestMethods.ResourcesRead or RequestMethods.ResourcesSubscribe:
                if (StringParam(request, "uri") is not { } uri)
                {
                    return call.Malformed($"{request.Method} needs a resource uri.");
                }

                if (UriSpellings.ReadOtherwise(uri) is { } rewritten)
                {
                    call.Record = call.Record with { Target = uri };
                    return call.Malformed($"Gatehouse refuses the uri '{uri}': {rewritten}, so servers that read it as a URL (JavaScript's new URL, " +
                        "Python's pydantic) would read another URI than the one the policy decided on. Send the URI as the server lists it.");
                }

                call.Decision = call.Policy.DecideResource(uri);
                call.Describe(uri);
                return call.RefuseAsDecided();

            case RequestMethods.PromptsGet:
                if (StringParam(request, "name") is not { } prompt)
                {
                    return call.Malformed("prompts/get needs the name of a prompt.");
                }

                call.Decision = call.Policy.DecidePrompt(prompt, Arguments(request));
                call.Describe(prompt);
                return call.RefuseAsDecided();

            case RequestMethods.CompletionComplete:
                // Completing a prompt's or a resource template's arguments runs the server's code for it: only
                // for what the caller could use.
                var reference = (request.Params as JsonObject)?["ref"] as JsonObject;
                call.Record = call.Record with { Target = reference is null ? null : Text(reference, "name") ?? Text(reference, "uri") };
                if (!CompletionAllowed(call.Policy, reference))
                {
                    return call.Refuse(new Verdict(AuditDecisions.Deny, "default", "completion of something this grant cannot use"));
                }

                // ...and with the scopes using it would take.
                return Referenced(call.Policy, reference!) is { } used &&
                    ScopeRequirement.Check(CallerScopes.Of(call.Call.User), call.Grant.Grant.Scopes, used.Scopes, used.Rule) is { } requirement
                    ? call.Refuse(new Verdict(AuditDecisions.InsufficientScope, requirement.Rule, requirement.Reason))
                    : RequestDecision.Forward.RecordedAs(call.Record with { Decision = AuditDecisions.Allow, Rule = "completion" });

            default:
                return call.Refuse(new Verdict(AuditDecisions.Deny, "method", $"Gatehouse has no policy decision for '{request.Method}'"));
        }
    }

    /// <summary>The text of <paramref name="item"/>'s member <paramref name="name"/>; null when it is not a string.</summary>
    public static string? Text(JsonObject item, string name) =>
        item[name] is JsonValue value && value.TryGetValue(out string? text) ? text : null;

    private static bool CompletionAllowed(CompiledPolicy policy, JsonObject? reference) =>
        reference is not null && Text(reference, "type") switch
        {
            "ref/prompt" => Text(reference, "name") is { } name && policy.IsPromptVisible(name),
            "ref/resource" => Text(reference, "uri") is { } uri && (policy.IsResourceTemplateVisible(uri) || policy.IsResourceVisible(uri)),
            _ => false,
        };

    private static PolicyDecision? Referenced(CompiledPolicy policy, JsonObject reference) => Text(reference, "type") switch
    {
        "ref/prompt" when Text(reference, "name") is { } name => policy.DecidePrompt(name, arguments: null),
        "ref/resource" when Text(reference, "uri") is { } uri => policy.DecideResource(uri),
        _ => null,
    };

    private static string? StringParam(JsonRpcRequest request, string name) =>
        request.Params is JsonObject parameters ? Text(parameters, name) : null;

    private static JsonElement? Arguments(JsonRpcRequest request) =>
        (request.Params as JsonObject)?["arguments"] is { } arguments ? JsonSerializer.SerializeToElement(arguments) : null;
}
