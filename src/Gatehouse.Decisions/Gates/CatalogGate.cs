using Gatehouse.Audit;
using Gatehouse.Catalog;
using Gatehouse.Policy;
using Gatehouse.Relay;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Decisions.Gates;

/// <summary>
/// A tool call may run only on a tool the upstream has, in the definition the catalog pinned, called with its
/// arguments spelled as its schema spells them; the catalog's class of the tool (its risk, its category) may change
/// the policy's decision. Calls of other methods pass.
/// </summary>
internal sealed partial class CatalogGate(ToolCatalog catalog, ILogger logger) : ICallGate
{
    /// <inheritdoc />
    public async ValueTask<RequestDecision?> PassAsync(CallContext call, CancellationToken cancellationToken)
    {
        if (call.Tool is not { } tool)
        {
            return null;
        }

        // Here a call may run, or a class rule could lift its denial: either needs the catalog's word on the tool.
        CatalogView tools;
        try
        {
            tools = await ViewAsync(catalog, call.Call, cancellationToken, current: true).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The agent is told only that the list could not be had; the operator needs the server's words.
            LogToolsUnlisted(logger, call.Call.Server, e.Message);
            return call.Refuse(new Verdict(AuditDecisions.Unavailable, "catalog",
                e is UpstreamRestartingException
                    ? $"server '{call.Call.Server}' is restarting, so its tools cannot be listed to check this call; retry the request shortly"
                    : $"the tools of server '{call.Call.Server}' could not be listed to check this call, so it is refused until they can be"));
        }

        var standing = tools.Find(tool);
        if (standing is not null && call.ByClass)
        {
            call.Decision = call.Policy.DecideTool(tool, call.Arguments, standing.Classification.Class);
            call.Describe(tool);
        }

        if (call.Decision.Kind == DecisionKind.Deny)
        {
            return call.RefuseAsDecided();
        }

        if (standing is null)
        {
            // Refused like a denied tool, so a caller cannot probe which tools the upstream has.
            return call.Refuse(new Verdict(AuditDecisions.Deny, "default", $"no tool named '{tool}' is available to this grant"));
        }

        if (standing.WithheldBecause is { } withheld)
        {
            return call.Refuse(new Verdict(standing.State == ToolPinState.Unavailable ? AuditDecisions.Unavailable : AuditDecisions.Withheld, "catalog", withheld));
        }

        if (ArgumentSpellings.FindCaseVariant(call.Arguments, standing.Definition.InputSchema) is { } variant)
        {
            return call.Refuse(new Verdict(AuditDecisions.InvalidArguments, "request", variant));
        }

        return call.RefuseAsDecided();
    }

    /// <summary>
    /// The catalog's view of the session's tools. A call is judged by a list at most <see cref="UpstreamTools.MaxAge"/>
    /// old (<paramref name="current"/>); a list being filtered reads what the session has.
    /// </summary>
    public static async Task<CatalogView> ViewAsync(ToolCatalog catalog, RelayCall call, CancellationToken cancellationToken, bool current = false) =>
        await catalog.ViewAsync(call.Server, await (current ? call.Tools.GetCurrentAsync(cancellationToken) : call.Tools.GetAsync(cancellationToken)).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The tools of server '{Server}' could not be listed to check a call, so it was refused: {Error}")]
    private static partial void LogToolsUnlisted(ILogger logger, string server, string error);
}
