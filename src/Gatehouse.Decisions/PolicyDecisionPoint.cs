using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Approvals;
using Gatehouse.Audit;
using Gatehouse.Catalog;
using Gatehouse.Configuration;
using Gatehouse.Decisions.Redis;
using Gatehouse.Policy;
using Gatehouse.Relay;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Decisions;

/// <summary>
/// Decides every call and list by the policy of the caller's grant and the tool catalog's word on each tool (its
/// class, and whether its definition is the pinned one). Fails closed: no grant, no policy, or a request it cannot
/// read is refused, with a reason that says so.
/// </summary>
public sealed partial class PolicyDecisionPoint(GrantPolicies grants, ICounterStore counters, CountersConfig countersConfig, ApprovalQueue approvals,
    ToolCatalog catalog, TimeProvider time, ILogger<PolicyDecisionPoint> logger) : IDecisionPoint
{
    /// <inheritdoc />
    public async ValueTask<RequestDecision> DecideAsync(RelayCall call, JsonRpcRequest request, CancellationToken cancellationToken)
    {
        var record = call.DecisionRecord(request, time.GetUtcNow());
        if (grants.Resolve(call.Server, call.User) is not { } grant)
        {
            return Refuse(request, record, new Verdict(AuditDecisions.Deny, "grant",
                $"no grant gives {(call.Identity is null ? "an unauthenticated caller" : $"identity '{call.Identity}'")} access to server '{call.Server}'"));
        }

        record = record with { Grant = grant.Grant.Id };
        var policy = grant.Policy.Current;
        PolicyDecision decision;
        switch (request.Method)
        {
            case RequestMethods.ToolsCall:
                if (StringParam(request, "name") is not { } tool)
                {
                    return Malformed(request, record, "tools/call needs the name of a tool.");
                }

                var arguments = Arguments(request);
                decision = policy.DecideTool(tool, arguments);
                var byClass = policy.ToolDependsOnClass(tool);
                ToolStanding? standing = null;
                if (decision.Kind != DecisionKind.Deny || byClass)
                {
                    // A call that may run needs the catalog's word on its definition; a denial only where a class
                    // rule could lift it. A name the policy denies is refused without asking the upstream anything.
                    CatalogView tools;
                    try
                    {
                        tools = await ViewAsync(call, cancellationToken, current: true).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                    {
                        // The agent is told only that the list could not be had; the operator needs the server's words.
                        LogToolsUnlisted(logger, call.Server, e.Message);
                        return Refuse(request, Described(record, request, tool, decision), new Verdict(AuditDecisions.Unavailable, "catalog",
                            e is UpstreamRestartingException
                                ? $"server '{call.Server}' is restarting, so its tools cannot be listed to check this call; retry the request shortly"
                                : $"the tools of server '{call.Server}' could not be listed to check this call, so it is refused until they can be"));
                    }

                    standing = tools.Find(tool);
                    if (standing is not null && byClass)
                    {
                        decision = policy.DecideTool(tool, arguments, standing.Classification.Class);
                    }
                }

                record = Described(record, request, tool, decision);
                if (decision.Kind == DecisionKind.Deny)
                {
                    break;
                }

                if (standing is null)
                {
                    // Refused like a denied tool, so a caller cannot probe which tools the upstream has.
                    return Refuse(request, record, new Verdict(AuditDecisions.Deny, "default", $"no tool named '{tool}' is available to this grant"));
                }

                if (standing.WithheldBecause is { } withheld)
                {
                    return Refuse(request, record,
                        new Verdict(standing.State == ToolPinState.Unavailable ? AuditDecisions.Unavailable : AuditDecisions.Withheld, "catalog", withheld));
                }

                if (ArgumentSpellings.FindCaseVariant(arguments, standing.Definition.InputSchema) is { } variant)
                {
                    return Refuse(request, record, new Verdict(AuditDecisions.InvalidArguments, "request", variant));
                }

                break;

            case RequestMethods.ResourcesRead or RequestMethods.ResourcesSubscribe:
                if (StringParam(request, "uri") is not { } uri)
                {
                    return Malformed(request, record, $"{request.Method} needs a resource uri.");
                }

                if (UriSpellings.ReadOtherwise(uri) is { } rewritten)
                {
                    return Malformed(request, record with { Target = uri },
                        $"Gatehouse refuses the uri '{uri}': {rewritten}, so servers that read it as a URL (JavaScript's new URL, " +
                        "Python's pydantic) would read another URI than the one the policy decided on. Send the URI as the server lists it.");
                }

                decision = policy.DecideResource(uri);
                record = Described(record, request, uri, decision);
                break;

            case RequestMethods.PromptsGet:
                if (StringParam(request, "name") is not { } prompt)
                {
                    return Malformed(request, record, "prompts/get needs the name of a prompt.");
                }

                decision = policy.DecidePrompt(prompt, Arguments(request));
                record = Described(record, request, prompt, decision);
                break;

            case RequestMethods.CompletionComplete:
                // Completing a prompt's or a resource template's arguments runs the server's code for it: only
                // for what the caller could use.
                var reference = (request.Params as JsonObject)?["ref"] as JsonObject;
                record = record with { Target = reference is null ? null : Text(reference, "name") ?? Text(reference, "uri") };
                return CompletionAllowed(policy, reference)
                    ? RequestDecision.Forward.RecordedAs(record with { Decision = AuditDecisions.Allow, Rule = "completion" })
                    : Refuse(request, record, new Verdict(AuditDecisions.Deny, "default", "completion of something this grant cannot use"));

            default:
                return Refuse(request, record, new Verdict(AuditDecisions.Deny, "method", $"Gatehouse has no policy decision for '{request.Method}'"));
        }

        return decision.Kind switch
        {
            DecisionKind.Allow => await ConsumeAsync(call, grant, request, record, decision, cancellationToken).ConfigureAwait(false),
            DecisionKind.Deny => Refuse(request, record, new Verdict(AuditDecisions.Deny, decision.Rule, decision.Reason ?? "denied")),
            DecisionKind.InvalidArguments => Refuse(request, record, new Verdict(AuditDecisions.InvalidArguments, decision.Rule, decision.Reason ?? "invalid arguments")),
            DecisionKind.RequireApproval => await HoldAsync(call, grant, request, record, decision, cancellationToken).ConfigureAwait(false),
            _ => Refuse(request, record, new Verdict(AuditDecisions.Deny, decision.Rule, "unknown decision")),
        };
    }

    /// <inheritdoc />
    public async ValueTask<JsonRpcResponse> FilterListAsync(RelayCall call, JsonRpcRequest request, JsonRpcResponse response, CancellationToken cancellationToken)
    {
        var policy = grants.Resolve(call.Server, call.User)?.Policy.Current;
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
            var tools = await ViewAsync(call, cancellationToken).ConfigureAwait(false);
            if (items.OfType<JsonObject>().Any(tools.ShowsChanged))
            {
                // The server shows a definition other than the one this session's calls are judged by (a page of a
                // changed listing, with no list_changed): judge the session by what the server lists now, so that
                // calls see the change (withheld, audited) as this list does.
                call.Tools.Invalidate();
                tools = await ViewAsync(call, cancellationToken).ConfigureAwait(false);
            }

            visible = item => policy is not null && tools.Usable(item) is { } standing && policy.IsToolVisible(standing.Definition.Name, standing.Classification.Class);
        }
        else
        {
            if (UpstreamTools.IsComplete(request, result))
            {
                await catalog.ObserveAsync(call.Server, kind, [.. items.OfType<JsonObject>()], cancellationToken).ConfigureAwait(false);
            }

            visible = kind switch
            {
                CatalogKind.Resource => item => policy is not null && Text(item, "uri") is { } uri && policy.IsResourceVisible(uri),
                CatalogKind.ResourceTemplate => item => policy is not null && Text(item, "uriTemplate") is { } template && policy.IsResourceTemplateVisible(template),
                _ => item => policy is not null && Text(item, "name") is { } name && policy.IsPromptVisible(name),
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

    // A call is judged by a list at most UpstreamTools.MaxAge old; a list being filtered reads what the session has.
    private async Task<CatalogView> ViewAsync(RelayCall call, CancellationToken cancellationToken, bool current = false) =>
        await catalog.ViewAsync(call.Server, await (current ? call.Tools.GetCurrentAsync(cancellationToken) : call.Tools.GetAsync(cancellationToken)).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);

    private async Task<RequestDecision> ConsumeAsync(RelayCall call, GrantPolicy grant, JsonRpcRequest request, AuditEvent record,
        PolicyDecision decision, CancellationToken cancellationToken)
    {
        var allowed = RequestDecision.Forward.RecordedAs(record with { Decision = AuditDecisions.Allow, Rule = decision.Rule });
        if (decision.Counters.Count == 0)
        {
            return allowed;
        }

        var keys = decision.Counters.Select(c => new CounterKey(c, c.Scope switch
        {
            CounterScope.Grant => grant.Grant.Id,
            CounterScope.Identity => call.Identity ?? "",
            CounterScope.Session => call.SessionId,
            _ => "",
        })).ToList();
        CounterOutcome outcome;
        try
        {
            outcome = await counters.TryConsumeAsync(keys, cancellationToken).ConfigureAwait(false);
        }
        catch (CounterStoreUnavailableException e) when (countersConfig.FailOpen)
        {
            LogCountersUnavailable(logger, call.Server, "let through uncounted", e.Message);
            return allowed;
        }
        catch (CounterStoreUnavailableException e)
        {
            LogCountersUnavailable(logger, call.Server, "refused", e.Message);
            // Fail closed: a limit that cannot be counted cannot be kept.
            return Refuse(request, record, new Verdict(AuditDecisions.Unavailable, decision.Rule,
                "the rate-limit counters cannot be reached, so calls with a limit are refused until they are back"));
        }

        return outcome.Admitted
            ? allowed
            : Refuse(request, record, new Verdict(AuditDecisions.RateLimited, decision.Rule,
                $"the rate limit '{outcome.Full!.Name}' ({Describe(outcome.Full)}) is reached",
                outcome.RetryAfter));
    }

    // Held until a person decides; an approved call then spends its budget like any other, and runs once.
    private async Task<RequestDecision> HoldAsync(RelayCall call, GrantPolicy grant, JsonRpcRequest request, AuditEvent record,
        PolicyDecision decision, CancellationToken cancellationToken)
    {
        var approval = decision.Approval!;
        var now = time.GetUtcNow();
        var held = new HeldCall
        {
            Id = ApprovalQueue.NewId(),
            RequestedAt = now,
            ExpiresAt = now + (approval.Timeout ?? ApprovalQueue.DefaultTimeout),
            Identity = call.Identity ?? "",
            Grant = grant.Grant.Id,
            Server = call.Server,
            Session = call.SessionId,
            Method = request.Method,
            Target = record.Target ?? "",
            Arguments = record.Arguments,
            Rule = decision.Rule,
            Reason = decision.Reason,
            Approvers = approval.Approvers,
            ApprovalsRequired = approval.Approvals,
        };

        // A rule may let the caller's own user decide, in their client, when the client can be asked; never a rule
        // that names its approvers or needs more than one, since the caller's user is not one of them.
        var elicited = approval is { Via: "elicitation", Approvers.Count: 0, Approvals: 1 } && call.Client.CanElicit;
        HeldCall ended;
        try
        {
            ended = elicited
                ? await approvals.ElicitAsync(held, (parameters, ct) => call.Client.ElicitAsync(request, parameters, ct), cancellationToken).ConfigureAwait(false)
                : await approvals.HoldAsync(held, waited => call.Client.ReportProgressAsync(request, Math.Floor(waited.TotalSeconds),
                    $"Waiting for a person to approve this call ({held.Id}); it expires at {held.ExpiresAt:u}."), cancellationToken).ConfigureAwait(false);
        }
        catch (ApprovalsUnavailableException)
        {
            return Refuse(request, record, new Verdict(AuditDecisions.Unavailable, decision.Rule,
                "the approval queue cannot be reached, so calls that need approval are refused until it is back"));
        }

        var by = $"{held.Id} {ended.State.ToString().ToLowerInvariant()} by {ended.DecidedBy}{(string.IsNullOrWhiteSpace(ended.DecisionReason) ? "" : $": {ended.DecisionReason}")}";
        switch (ended.State)
        {
            case ApprovalState.Approved:
                var admitted = await ConsumeAsync(call, grant, request, record, decision, cancellationToken).ConfigureAwait(false);
                if (admitted.Reply is not null)
                {
                    return admitted;
                }

                // Every replica polls the same store: exactly one may run it. An elicited call is in no store: its
                // one waiter is the only one that knows of it.
                bool claimed;
                try
                {
                    claimed = elicited || await approvals.ClaimRunAsync(held.Id, cancellationToken).ConfigureAwait(false);
                }
                catch (ApprovalsUnavailableException)
                {
                    return Refuse(request, record, new Verdict(AuditDecisions.Unavailable, decision.Rule,
                        $"{held.Id} was approved, but the approval store could not be reached to run it exactly once, so it was not run"));
                }

                return claimed
                    ? RequestDecision.Forward.RecordedAs(record with { Decision = AuditDecisions.Allow, Rule = decision.Rule, Reason = by })
                    : Refuse(request, record, new Verdict(AuditDecisions.Deny, decision.Rule, $"{held.Id} has already run, or expired before it could run"));
            case ApprovalState.Denied:
                return Refuse(request, record, new Verdict(AuditDecisions.ApprovalDenied, decision.Rule, $"a person denied this call ({by})"));
            case ApprovalState.Expired:
                return Refuse(request, record, new Verdict(AuditDecisions.ApprovalExpired, decision.Rule,
                    $"nobody approved this call in time ({held.Id} expired at {held.ExpiresAt:u})"));
            default:
                return Refuse(request, record, new Verdict(AuditDecisions.Deny, decision.Rule, $"{held.Id} ended {ended.State.ToString().ToLowerInvariant()}"));
        }
    }

    // What the record says of the call: its target, and its arguments as the policy and the built-in rules redact them.
    private static AuditEvent Described(AuditEvent record, JsonRpcRequest request, string target, PolicyDecision decision)
    {
        var arguments = (request.Params as JsonObject)?["arguments"]?.DeepClone();
        var redacted = SecretRedactor.Redact(ArgumentRedaction.Apply(arguments, decision.Redact));
        return record with { Target = target, Arguments = redacted?.ToJsonString() };
    }

    private static bool CompletionAllowed(CompiledPolicy policy, JsonObject? reference) =>
        reference is not null && Text(reference, "type") switch
        {
            "ref/prompt" => Text(reference, "name") is { } name && policy.IsPromptVisible(name),
            "ref/resource" => Text(reference, "uri") is { } uri && (policy.IsResourceTemplateVisible(uri) || policy.IsResourceVisible(uri)),
            _ => false,
        };

    private static RequestDecision Refuse(JsonRpcRequest request, AuditEvent record, Verdict verdict) =>
        RequestDecision.Refuse(verdict.ReplyTo(request)).RecordedAs(record with { Decision = verdict.Decision, Rule = verdict.Rule, Reason = verdict.Reason });

    private static RequestDecision Malformed(JsonRpcRequest request, AuditEvent record, string message) =>
        RequestDecision.Refuse(JsonRpcReplies.Error(request.Id, McpErrorCode.InvalidParams, message))
            .RecordedAs(record with { Decision = AuditDecisions.Deny, Rule = "request", Reason = message });

    private static string? StringParam(JsonRpcRequest request, string name) =>
        request.Params is JsonObject parameters ? Text(parameters, name) : null;

    private static string? Text(JsonObject item, string name) =>
        item[name] is JsonValue value && value.TryGetValue(out string? text) ? text : null;

    private static JsonElement? Arguments(JsonRpcRequest request) =>
        (request.Params as JsonObject)?["arguments"] is { } arguments ? JsonSerializer.SerializeToElement(arguments) : null;

    private static string Describe(CounterRequirement counter)
    {
        var limit = $"{counter.Max} per {Window(counter.Window)} per {counter.Scope.ToString().ToLowerInvariant()}";
        return counter.Algorithm == CounterAlgorithm.Smooth ? $"{limit}, one every {Window(counter.Spacing)}" : limit;
    }

    private static string Window(TimeSpan window) => window.TotalSeconds switch
    {
        1 => "second",
        60 => "minute",
        3600 => "hour",
        86400 => "day",
        var seconds => $"{seconds:0.###} s",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "A limited call on server '{Server}' was {Outcome}: {Reason}")]
    private static partial void LogCountersUnavailable(ILogger logger, string server, string outcome, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The tools of server '{Server}' could not be listed to check a call, so it was refused: {Error}")]
    private static partial void LogToolsUnlisted(ILogger logger, string server, string error);
}
