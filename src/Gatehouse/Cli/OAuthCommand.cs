using System.CommandLine;
using System.Text.Json.Nodes;
using Gatehouse.OAuth;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Cli;

/// <summary>
/// <c>gatehouse oauth clients list | revoke</c> and <c>gatehouse oauth tokens list | revoke</c>: the clients of Gatehouse's
/// authorization server and the tokens it issued, kept in the configuration's store.
/// </summary>
internal static class OAuthCommand
{
    public static Command Create() => new("oauth",
        "The clients of Gatehouse's OAuth authorization server and the tokens it issued.\n\nExample:\n  gatehouse oauth tokens revoke --identity alice@example.com")
    {
        new Command("clients", "List and revoke the clients that sign people in.\n\nExample:\n  gatehouse oauth clients list") { ListClients(), RevokeClient() },
        new Command("tokens", "List and revoke the tokens issued to people.\n\nExample:\n  gatehouse oauth tokens list --identity alice@example.com")
        {
            ListTokens(), RevokeTokens(),
        },
    };

    private static Command ListClients()
    {
        var config = CommonOptions.Config();
        var json = CommonOptions.Json();
        var command = new Command("list", "List the clients, configured or registered (never their secrets).\n\nExample:\n  gatehouse oauth clients list")
        {
            config, json,
        };
        command.SetAction((parse, cancellationToken) => WithAdministrationAsync(parse, config, async (oauth, output) =>
        {
            var clients = await oauth.ListClientsAsync(cancellationToken);
            if (parse.GetValue(json))
            {
                output.WriteLine(new JsonArray([.. clients.Select(c => (JsonNode)new JsonObject
                {
                    ["clientId"] = c.ClientId,
                    ["displayName"] = c.DisplayName,
                    ["confidential"] = c.Confidential,
                    ["source"] = Source(c),
                    ["redirectUris"] = new JsonArray([.. c.RedirectUris.Select(u => (JsonNode)u)]),
                })]).ToJsonString(CommonOptions.JsonOutput));
                return ExitCodes.Ok;
            }

            output.WriteLine($"{"CLIENT ID",-40}  {"NAME",-24}  {"SOURCE",-13}  {"TYPE",-12}  REDIRECT URIS");
            foreach (var client in clients)
            {
                output.WriteLine($"{client.ClientId,-40}  {client.DisplayName ?? "-",-24}  {Source(client),-13}  {(client.Confidential ? "confidential" : "public"),-12}  {string.Join(" ", client.RedirectUris)}");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command RevokeClient()
    {
        var config = CommonOptions.Config();
        var clientId = new Argument<string>("client-id") { Description = "The client's id, as 'oauth clients list' shows it." };
        var command = new Command("revoke",
            "Revoke every token of a client, at once, on every Gatehouse sharing the store; a client that registered itself is removed too.\n\n" +
            "Example:\n  gatehouse oauth clients revoke 8c1f0a2e4b6d")
        {
            config, clientId,
        };
        command.SetAction((parse, cancellationToken) => WithAdministrationAsync(parse, config, async (oauth, output) =>
        {
            var id = parse.GetRequiredValue(clientId);
            switch (await oauth.RevokeClientAsync(CommonOptions.Operator, id, cancellationToken))
            {
                case OAuthClientRevocation.Removed:
                    output.WriteLine($"Client {id} is removed and its tokens revoked.");
                    return ExitCodes.Ok;
                case OAuthClientRevocation.TokensRevoked:
                    output.WriteLine($"The tokens of client {id} are revoked. It is in the configuration: remove it there to stop it signing people in again.");
                    return ExitCodes.Ok;
                default:
                    parse.InvocationConfiguration.Error.WriteLine($"There is no client {id}.");
                    return ExitCodes.Failed;
            }
        }));
        return command;
    }

    private static Command ListTokens()
    {
        var config = CommonOptions.Config();
        var identity = new Option<string?>("--identity") { Description = "Only the tokens of this person (the identity their grants name)." };
        var json = CommonOptions.Json();
        var command = new Command("list", "List the tokens and codes issued, newest first (never their values).\n\nExample:\n  gatehouse oauth tokens list --identity alice@example.com")
        {
            config, identity, json,
        };
        command.SetAction((parse, cancellationToken) => WithAdministrationAsync(parse, config, async (oauth, output) =>
        {
            var tokens = await oauth.ListTokensAsync(parse.GetValue(identity), cancellationToken);
            if (parse.GetValue(json))
            {
                output.WriteLine(new JsonArray([.. tokens.Select(t => (JsonNode)new JsonObject
                {
                    ["id"] = t.Id,
                    ["identity"] = t.Identity,
                    ["clientId"] = t.ClientId,
                    ["type"] = t.Type,
                    ["status"] = t.Status,
                    ["createdAt"] = t.CreatedAt,
                    ["expiresAt"] = t.ExpiresAt,
                })]).ToJsonString(CommonOptions.JsonOutput));
                return ExitCodes.Ok;
            }

            output.WriteLine($"{"IDENTITY",-28}  {"CLIENT ID",-28}  {"TYPE",-18}  {"STATUS",-9}  {"ISSUED",-20}  EXPIRES");
            foreach (var token in tokens)
            {
                output.WriteLine($"{token.Identity ?? "-",-28}  {token.ClientId ?? "-",-28}  {token.Type,-18}  {token.Status,-9}  {token.CreatedAt,-20:u}  {token.ExpiresAt?.ToString("u") ?? "-"}");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command RevokeTokens()
    {
        var config = CommonOptions.Config();
        var identity = new Option<string>("--identity") { Description = "The person whose tokens to revoke.", Required = true };
        var command = new Command("revoke",
            "Revoke every token issued to a person, at once, on every Gatehouse sharing the store: their clients must sign them in again.\n\n" +
            "Example:\n  gatehouse oauth tokens revoke --identity alice@example.com")
        {
            config, identity,
        };
        command.SetAction((parse, cancellationToken) => WithAdministrationAsync(parse, config, async (oauth, output) =>
        {
            var person = parse.GetRequiredValue(identity);
            var revoked = await oauth.RevokeTokensAsync(CommonOptions.Operator, person, cancellationToken);
            output.WriteLine($"{revoked} tokens of '{person}' revoked.");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static string Source(OAuthClientSummary client) => client.Configured ? "configuration" : "registered";

    private static Task<int> WithAdministrationAsync(ParseResult parse, Option<FileInfo> config, Func<OAuthAdministration, TextWriter, Task<int>> action) =>
        StoreCommands.RunAsync(parse, config, async (services, output) =>
        {
            await using var scope = services.CreateAsyncScope();
            return await action(scope.ServiceProvider.GetRequiredService<OAuthAdministration>(), output);
        }, more => more.AddGatehouseOAuthAdministration());
}
