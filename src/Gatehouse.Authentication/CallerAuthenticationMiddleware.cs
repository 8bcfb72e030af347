using System.Security.Claims;
using Gatehouse.Audit;
using Gatehouse.Configuration;
using Gatehouse.Relay;
using Gatehouse.Store;
using Gatehouse.Store.ApiKeys;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Authentication;

/// <summary>
/// Establishes who calls an MCP endpoint before the relay sees the request. The client's credential stays here:
/// the relay forwards messages, never the client's headers, so no token reaches an upstream.
/// </summary>
internal sealed partial class CallerAuthenticationMiddleware(RequestDelegate next, GatehouseConfig config, IAuditLog audit, TimeProvider time,
    IScopeCheck scopes, ILogger<CallerAuthenticationMiddleware> logger)
{
    /// <summary>How an API key authenticates.</summary>
    public const string ApiKey = "apikey";

    public async Task InvokeAsync(HttpContext context, IApiKeyStore keys)
    {
        var authorization = context.Request.Headers.Authorization;
        if (authorization.Count == 0)
        {
            if (config.Auth.Anonymous is { } anonymous)
            {
                context.User = CallerIdentity.Create(anonymous, CallerIdentity.Anonymous);
                await next(context);
                return;
            }

            await ChallengeAsync(context, error: null, "This server needs credentials: an API key or a token, as 'Authorization: Bearer ...'.");
            return;
        }

        var value = authorization.ToString();
        if (authorization.Count > 1 || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || value.Length == "Bearer ".Length)
        {
            await ChallengeAsync(context, "invalid_request", "The Authorization header must be one 'Bearer <credential>'.");
            return;
        }

        var credential = value["Bearer ".Length..].Trim();
        if (credential.StartsWith(ApiKeyPrefix, StringComparison.Ordinal))
        {
            await AuthenticateApiKeyAsync(context, keys, credential);
            return;
        }

        // Gatehouse's own tokens first: a token it issued is never one of the provider's, and it is checked against
        // the store (revocation takes effect at once), which a JWT is not.
        if (config.OAuth.Enabled && await OwnTokens.AuthenticateAsync(context, config) is { } own)
        {
            if (own.Refusal is { } refusal)
            {
                LogRefused(refusal);
                await ChallengeAsync(context, "invalid_token", refusal);
                return;
            }

            if (own.Principal is { } principal)
            {
                context.User = principal;
                await next(context);
                return;
            }
        }

        if (config.Auth.Jwt is null)
        {
            await ChallengeAsync(context, "invalid_token", "The credential is not valid here.");
            return;
        }

        var result = await context.AuthenticateAsync(AuthenticationServiceCollectionExtensions.JwtScheme);
        if (!result.Succeeded || CallerIdentity.NameOf(result.Principal) is not { Length: > 0 })
        {
            LogRefused(result.Failure?.Message ?? $"no '{config.Auth.Jwt.IdentityClaim}' claim");
            await ChallengeAsync(context, "invalid_token", result.Failure is null
                ? $"The token names no identity in its '{config.Auth.Jwt.IdentityClaim}' claim."
                : "The token is not valid: wrong issuer, audience or signature, or expired.");
            return;
        }

        // A provider's token is limited to the scopes it carries, as RFC 9068 spells them ("scope", space-separated) or as
        // Entra ID does ("scp"); one that carries none has none, and acts only under grants and rules that require none.
        var user = result.Principal!;
        CallerScopes.Limit((ClaimsIdentity)user.Identity!, user.FindAll(c => c.Type is "scope" or "scp")
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        context.User = user;
        await next(context);
    }

    private async Task AuthenticateApiKeyAsync(HttpContext context, IApiKeyStore keys, string credential)
    {
        ApiKeyRecord? key;
        try
        {
            key = await keys.VerifyAsync(credential, context.RequestAborted);
        }
        catch (StoreUnavailableException ex)
        {
            // Fail closed: without the store no key can be checked, and a revoked one must not slip through.
            LogStoreUnavailable(ex);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await context.Response.WriteAsJsonAsync(new
            {
                error = "temporarily_unavailable",
                error_description = "Gatehouse cannot check API keys now (its store is unavailable), so it refuses them; retry shortly.",
            });
            return;
        }

        if (key is null)
        {
            await ChallengeAsync(context, "invalid_token", "The API key is not valid: unknown, revoked or expired.");
            return;
        }

        context.User = CallerIdentity.Create(key.Identity, ApiKey, key.Roles);
        await next(context);
    }

    private const string ApiKeyPrefix = "gh_";

    private async Task ChallengeAsync(HttpContext context, string? error, string description)
    {
        var segments = context.Request.Path.Value!.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var server = segments is ["mcp", var name, ..] ? name : null;
        // Not awaited: the request is refused either way, and a caller must not be able to slow the gateway by
        // making it wait on the disk for refusals. The credential itself is never recorded.
        audit.Post(new AuditEvent
        {
            Time = time.GetUtcNow(),
            Kind = AuditKinds.Authentication,
            Server = server,
            Method = $"{context.Request.Method} {context.Request.Path}",
            Decision = AuditDecisions.Unauthenticated,
            Rule = error ?? "no_credentials",
            Reason = description,
        });
        var challenge = $"Bearer resource_metadata=\"{ProtectedResourceUrls.Metadata(context, server, config)}\"";
        // The scopes to ask for from the start (MCP's scope selection strategy): all those the server's grants and rules name.
        if (server is not null && config.McpServers.ContainsKey(server) && scopes.ScopesOf(server) is { Count: > 0 } supported)
        {
            challenge += $", scope=\"{string.Join(' ', supported)}\"";
        }

        if (error is not null)
        {
            challenge += $", error=\"{error}\", error_description=\"{description}\"";
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = challenge;
        await context.Response.WriteAsJsonAsync(new { error = error ?? "unauthorized", error_description = description });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "API keys cannot be checked: the store is unavailable. Requests with keys are refused.")]
    private partial void LogStoreUnavailable(Exception ex);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a bearer token: {Reason}")]
    private partial void LogRefused(string reason);
}
