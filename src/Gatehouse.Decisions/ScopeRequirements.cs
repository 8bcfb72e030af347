using System.Security.Claims;
using System.Text.Json.Nodes;
using Gatehouse.Decisions.Gates;
using Gatehouse.Policy;
using Gatehouse.Relay;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Decisions;

/// <summary>
/// The OAuth scopes a caller's token must carry: its grant's (<c>grants[].scopes</c>), and those of the policy rule that
/// selects a request by name (<c>"scopes"</c> on a rule), judged against the token of the request itself. A rule chosen by
/// the tool's class (risk, category) is known only once the catalog says the class; the call's decision checks the
/// grant's scopes and its deciding rule's again then (<see cref="Gates.ScopeGate"/>).
/// </summary>
public sealed class ScopeRequirements(GrantPolicies grants) : IScopeCheck
{
    /// <inheritdoc />
    public ScopeRequirement? Check(string server, ClaimsPrincipal? user, JsonRpcRequest? request = null)
    {
        if (CallerScopes.Of(user) is not { } granted || grants.Resolve(server, user) is not { } grant)
        {
            return null;
        }

        // The grant's scopes, always. A request a rule by name denies asks for no rule's scopes: no scope would let it
        // through, and it is refused as denied (unless a rule by class lifts the denial, whose scopes the call's decision checks).
        var decision = request is null ? null : DecisionByName(grant.Policy.Current, request);
        var rule = decision is { Kind: not DecisionKind.Deny } ? decision : null;
        return ScopeRequirement.Check(granted, grant.Grant.Scopes, rule?.Scopes ?? [], rule?.Rule ?? "grant");
    }

    /// <inheritdoc />
    public IReadOnlyList<string> ScopesOf(string server) =>
        [.. grants.All.Where(g => g.Grant.Server == server).SelectMany(g => g.Grant.Scopes.Concat(g.Policy.Current.Scopes))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    private static PolicyDecision? DecisionByName(CompiledPolicy policy, JsonRpcRequest request)
    {
        if (request.Params is not JsonObject parameters)
        {
            return null;
        }

        var name = PolicyGate.Text(parameters, "name");
        return request.Method switch
        {
            RequestMethods.ToolsCall when name is not null => policy.DecideTool(name, arguments: null),
            RequestMethods.PromptsGet when name is not null => policy.DecidePrompt(name, arguments: null),
            RequestMethods.ResourcesRead or RequestMethods.ResourcesSubscribe when PolicyGate.Text(parameters, "uri") is { } uri => policy.DecideResource(uri),
            _ => null,
        };
    }
}
