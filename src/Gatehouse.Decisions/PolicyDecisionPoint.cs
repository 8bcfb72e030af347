using System.Text.Json.Nodes;
using Gatehouse.Approvals;
using Gatehouse.Audit;
using Gatehouse.Catalog;
using Gatehouse.Configuration;
using Gatehouse.Decisions.Gates;
using Gatehouse.Relay;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Decisions;

/// <summary>
/// Decides every call and list by the policy of the caller's grant and the tool catalog's word on each tool (its
/// class, and whether its definition is the pinned one). Fails closed: no grant, no policy, or a request it cannot
/// read is refused, with a reason that says so.
/// </summary>
public sealed class PolicyDecisionPoint : IDecisionPoint
{
    private readonly GrantPolicies _grants;
    private readonly ToolCatalog _catalog;
    private readonly TimeProvider _time;
    private readonly ICallGate[] _gates;

    /// <summary>Builds the gates a call passes, in order.</summary>
    public PolicyDecisionPoint(GrantPolicies grants, ICounterStore counters, CountersConfig countersConfig, ApprovalQueue approvals,
        ToolCatalog catalog, TimeProvider time, ILogger<PolicyDecisionPoint> logger)
    {
        _grants = grants;
        _catalog = catalog;
        _time = time;
        var counterGate = new CounterGate(counters, countersConfig, logger);

        // The path of one call, after the relay authenticated its caller. The first gate that decides ends it; the relay
        // then audits the decision (CallRecorder) and forwards the call, or answers the client instead (Relay/Session/CallPath).
        _gates =
        [
            new GrantGate(grants),
            new PolicyGate(),
            new CatalogGate(catalog, logger),
            new ScopeGate(),
            counterGate,
            new ApprovalGate(approvals, counterGate, time),
        ];
    }

    /// <inheritdoc />
    public async ValueTask<RequestDecision> DecideAsync(RelayCall call, JsonRpcRequest request, CancellationToken cancellationToken)
    {
        var context = new CallContext(call, request, call.DecisionRecord(request, _time.GetUtcNow()));
        foreach (var gate in _gates)
        {
            if (await gate.PassAsync(context, cancellationToken).ConfigureAwait(false) is { } decided)
            {
                return decided;
            }
        }

        return context.Refuse(new Verdict(AuditDecisions.Deny, context.Decision.Rule, "unknown decision"));
    }

    /// <inheritdoc />
    public async ValueTask<JsonRpcResponse> FilterListAsync(RelayCall call, JsonRpcRequest request, JsonRpcResponse response, CancellationToken cancellationToken)
    {
        var policy = _grants.Resolve(call.Server, call.User)?.Policy.Current;
        var (key, kind) = request.Method switch
        {
            RequestMethods.ToolsList => ("tools", CatalogKind.Tool),
            RequestMethods.ResourcesList => ("resources", CatalogKind.Resource),
            RequestMethods.ResourcesTemplatesList => ("resourceTemplates", CatalogKind.ResourceTemplate),
            _ => ("prompts", CatalogKind.Prompt),
        };
        if (response.Result?.DeepClone() is not JsonObject result || result[key] is not JsonArray items)
        {
            return response;
        }

        // A client may read keys whatever their case, the last one winning: a "Tools" beside "tools" would be a
        // second, unfiltered list.
        foreach (var (name, _) in result.ToList())
        {
            if (name != key && string.Equals(name, key, StringComparison.OrdinalIgnoreCase))
            {
                result.Remove(name);
            }
        }

        Func<JsonObject, bool> visible;
        if (kind == CatalogKind.Tool)
        {
            var tools = await CatalogGate.ViewAsync(_catalog, call, cancellationToken).ConfigureAwait(false);
            if (items.OfType<JsonObject>().Any(tools.ShowsChanged))
            {
                // The server shows a definition other than the one this session's calls are judged by (a page of a
                // changed listing, with no list_changed): judge the session by what the server lists now, so that
                // calls see the change (withheld, audited) as this list does.
                call.Tools.Invalidate();
                tools = await CatalogGate.ViewAsync(_catalog, call, cancellationToken).ConfigureAwait(false);
            }

            visible = item => policy is not null && tools.Usable(item) is { } standing && policy.IsToolVisible(standing.Definition.Name, standing.Classification.Class);
        }
        else
        {
            if (UpstreamTools.IsComplete(request, result))
            {
                await _catalog.ObserveAsync(call.Server, kind, [.. items.OfType<JsonObject>()], cancellationToken).ConfigureAwait(false);
            }

            visible = kind switch
            {
                CatalogKind.Resource => item => policy is not null && PolicyGate.Text(item, "uri") is { } uri && policy.IsResourceVisible(uri),
                CatalogKind.ResourceTemplate => item => policy is not null && PolicyGate.Text(item, "uriTemplate") is { } template && policy.IsResourceTemplateVisible(template),
                _ => item => policy is not null && PolicyGate.Text(item, "name") is { } name && policy.IsPromptVisible(name),
            };
        }

        foreach (var item in items.ToList())
        {
            if (item is not JsonObject entry || !visible(entry))
            {
                items.Remove(item);
            }
        }

        return new JsonRpcResponse { Id = response.Id, Result = result, Context = response.Context };
    }
}
