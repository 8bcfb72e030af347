using System.Collections.Concurrent;
using System.Net;
using Gatehouse.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Authentication;

namespace Gatehouse.Relay.Accounts;

/// <summary>
/// <c>GET /connect/{server}?ticket=…</c> and <c>GET /connect/callback</c>: a person's browser connects their account at an
/// upstream that requires OAuth. The MCP SDK runs the flow (discovery, registration, PKCE, the code exchange) from a client
/// session of the person's own; these pages only carry the browser to the authorization server and the answer back.
/// </summary>
internal sealed partial class UpstreamConnectEndpoints(GatehouseConfig config, UpstreamAccounts accounts, ConnectTickets tickets,
    ILogger<UpstreamConnectEndpoints> logger)
{
    /// <summary>How long a started flow waits for the person to sign in upstream before it is dropped.</summary>
    private static readonly TimeSpan s_flowLifetime = TimeSpan.FromMinutes(10);

    /// <summary>How long the pages wait on the upstream (its metadata, registration, token endpoint) before saying so.</summary>
    private static readonly TimeSpan s_upstreamWait = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, PendingConnect> _pending = new(StringComparer.Ordinal);

    public async Task<IResult> StartAsync(HttpContext context, string server)
    {
        if (!config.McpServers.TryGetValue(server, out var upstream) || upstream.OAuth is null || upstream.Disabled)
        {
            return Page(StatusCodes.Status404NotFound, "Not found", $"There is no server '{server}' here that people connect an account to.");
        }

        if (tickets.Read(context.Request.Query["ticket"], server) is not { Identity: var identity } ticket)
        {
            return Page(StatusCodes.Status403Forbidden, "This link cannot be used",
                "The link is not Gatehouse's, is for another server, or has expired. Make the request again in your MCP client to get a new one.");
        }

        var flow = new PendingConnect(s_flowLifetime) { Server = server, Identity = identity };
        var redirectUri = new Uri($"{accounts.GatewayAddress(context.Request).AbsoluteUri.TrimEnd('/')}{UpstreamAccounts.CallbackPath}");
        // Also the scopes the link asks for: a step-up's, which the server's first challenge may not name again.
        var tokens = new ConnectTokenCache(accounts.Vault, identity, server);
        var options = accounts.Options(upstream, identity, redirectUri, (authorization, ct) => SignInAsync(flow, authorization, ct), tokens,
            proposed => (tokens.Requested = StepUpScope.Union(proposed is null ? null : string.Join(' ', proposed), ticket.Scope))?.Split(' '));
        flow.Completion = Task.Run(async () =>
        {
            try
            {
                await using var client = await accounts.ConnectClientAsync(upstream, options, flow.Lifetime.Token).ConfigureAwait(false);
                LogConnected(server, identity);
            }
            finally
            {
                flow.Dispose();
            }
        });

        Task first;
        try
        {
            first = await Task.WhenAny(flow.AuthorizationUri.Task, flow.Completion).WaitAsync(s_upstreamWait, context.RequestAborted);
        }
        catch (TimeoutException)
        {
            return Page(StatusCodes.Status504GatewayTimeout, "Your account could not be connected",
                $"Server '{server}' or its authorization server did not answer within {s_upstreamWait.TotalSeconds:0} seconds. Try the link again later.");
        }

        if (first == flow.AuthorizationUri.Task)
        {
            return Results.Redirect(flow.AuthorizationUri.Task.Result.AbsoluteUri);
        }

        return await OutcomeAsync(flow, server, identity, alreadyConnected: true);
    }

    public async Task<IResult> CallbackAsync(HttpContext context)
    {
        var query = context.Request.Query;
        if (!_pending.TryRemove(query["state"].ToString(), out var flow))
        {
            return Page(StatusCodes.Status400BadRequest, "This sign-in is not known",
                "It has finished already, has expired, or was not started here. Open the link from your MCP client again.");
        }

        if (query["error"].ToString() is { Length: > 0 } error)
        {
            flow.Result.TrySetException(new InvalidOperationException($"The authorization server refused: {error} {query["error_description"]}".TrimEnd()));
        }
        else
        {
            flow.Result.TrySetResult(new AuthorizationResult { Code = query["code"], State = query["state"], Iss = query["iss"] });
        }

        return await OutcomeAsync(flow, flow.Server ?? "", flow.Identity ?? "", alreadyConnected: false);
    }

    private async Task<AuthorizationResult?> SignInAsync(PendingConnect flow, AuthorizationCallbackContext authorization, CancellationToken cancellationToken)
    {
        // The SDK made the state: it is the key the callback finds this flow by.
        var state = QueryHelpers.ParseQuery(authorization.AuthorizationUri.Query)["state"].ToString();
        _pending[state] = flow;
        flow.AuthorizationUri.TrySetResult(authorization.AuthorizationUri);
        try
        {
            return await flow.Result.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pending.TryRemove(state, out _);
        }
    }

    private async Task<IResult> OutcomeAsync(PendingConnect flow, string server, string identity, bool alreadyConnected)
    {
        try
        {
            await flow.Completion!.WaitAsync(s_upstreamWait).ConfigureAwait(false);
            return Page(StatusCodes.Status200OK, "Account connected", alreadyConnected
                ? $"Your account on '{server}' was connected already. You can close this page and go back to your MCP client."
                : $"Your account on '{server}' is now connected to Gatehouse. You can close this page and go back to your MCP client.");
        }
        catch (Exception ex)
        {
            LogConnectFailed(ex, server, identity);
            return Page(StatusCodes.Status502BadGateway, "Your account could not be connected", $"Server '{server}' or its authorization server failed: {ex.Message}");
        }
    }

    private static IResult Page(int status, string title, string text) => Results.Content($$"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>{{WebUtility.HtmlEncode(title)}} · Gatehouse</title></head>
        <body style="font-family: sans-serif; max-width: 36rem; margin: 4rem auto">
          <h1>{{WebUtility.HtmlEncode(title)}}</h1>
          <p>{{WebUtility.HtmlEncode(text)}}</p>
        </body></html>
        """, "text/html", statusCode: status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Identity '{Identity}' connected an account on server '{Server}'")]
    private partial void LogConnected(string server, string identity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Identity '{Identity}' could not connect an account on server '{Server}'")]
    private partial void LogConnectFailed(Exception ex, string server, string identity);

    /// <summary>One person's flow between the link and the callback.</summary>
    private sealed class PendingConnect : IDisposable
    {
        public PendingConnect(TimeSpan lifetime) => Lifetime.CancelAfter(lifetime);

        public CancellationTokenSource Lifetime { get; } = new();

        public TaskCompletionSource<Uri> AuthorizationUri { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<AuthorizationResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task? Completion { get; set; }

        public string? Server { get; init; }

        public string? Identity { get; init; }

        public void Dispose() => Lifetime.Dispose();
    }
}
