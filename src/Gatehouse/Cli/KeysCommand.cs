using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Admin;
using Gatehouse.Audit;
using Gatehouse.Hosting;
using Gatehouse.Policy;
using Gatehouse.Store;
using Gatehouse.Store.ApiKeys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Cli;

/// <summary><c>gatehouse keys create | list | revoke</c>: API keys, kept in the configuration's store.</summary>
internal static class KeysCommand
{
    public static Command Create() => new("keys", "Create, list and revoke the API keys agents authenticate with.")
    {
        CreateKey(),
        ListKeys(),
        RevokeKey(),
    };

    private static Command CreateKey()
    {
        var config = CommonOptions.Config();
        var identity = new Option<string>("--identity") { Description = "The identity the key authenticates as.", Required = true };
        var expires = new Option<string?>("--expires") { Description = "How long the key works, e.g. 30d, 12h; forever when absent." };
        var roles = new Option<string[]>("--role") { Description = "A role the key carries (admin, approver); repeat for several.", AllowMultipleArgumentsPerToken = false };
        var json = CommonOptions.Json();
        var command = new Command("create",
            "Create an API key and print it once: only its hash is stored, so it cannot be shown again.\n\n" +
            "Example:\n  gatehouse keys create --identity marketing-agent --expires 30d")
        {
            config, identity, expires, roles, json,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(expires) is { } text && !Durations.TryParse(text, out _, out _))
            {
                result.AddError($"--expires must be a duration such as 30d, 12h or 90m, not '{text}'.");
            }
        });
        command.SetAction((parse, cancellationToken) => WithAdministrationAsync(parse, config, async (keys, time, output) =>
        {
            var creation = await keys.CreateAsync(CommonOptions.Operator, parse.GetRequiredValue(identity), parse.GetValue(roles), parse.GetValue(expires), cancellationToken);
            if (creation.Key is not var (record, secret))
            {
                parse.InvocationConfiguration.Error.WriteLine(creation.Error);
                return ExitCodes.Usage;
            }

            if (parse.GetValue(json))
            {
                var node = Describe(record, time);
                node["key"] = secret;
                output.WriteLine(node.ToJsonString(CommonOptions.JsonOutput));
            }
            else
            {
                output.WriteLine(secret);
                parse.InvocationConfiguration.Error.WriteLine(
                    $"Key {record.Id} for identity '{record.Identity}'{(record.ExpiresAt is { } at ? $", valid until {at:u}" : "")}. " +
                    "Store it now: Gatehouse keeps only its hash and cannot show it again. Clients send it as 'Authorization: Bearer <key>'.");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command ListKeys()
    {
        var config = CommonOptions.Config();
        var json = CommonOptions.Json();
        var command = new Command("list", "List the API keys (never their secrets).\n\nExample:\n  gatehouse keys list --json")
        {
            config, json,
        };
        command.SetAction((parse, cancellationToken) => WithStoreAsync(parse, config, async (keys, time, output) =>
        {
            var all = await keys.ListAsync(cancellationToken);
            if (parse.GetValue(json))
            {
                output.WriteLine(new JsonArray([.. all.Select(k => (JsonNode)Describe(k, time))]).ToJsonString(CommonOptions.JsonOutput));
                return ExitCodes.Ok;
            }

            output.WriteLine($"{"ID",-16}  {"IDENTITY",-24}  {"ROLES",-16}  {"CREATED",-20}  {"EXPIRES",-20}  STATE");
            foreach (var key in all)
            {
                output.WriteLine($"{key.Id,-16}  {key.Identity,-24}  {string.Join(",", key.Roles),-16}  {key.CreatedAt,-20:u}  {key.ExpiresAt?.ToString("u") ?? "never",-20}  {State(key, time)}");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command RevokeKey()
    {
        var config = CommonOptions.Config();
        var id = new Argument<string>("id") { Description = "The key's id, as 'keys list' shows it." };
        var command = new Command("revoke", "Revoke an API key: it stops working at once, on every Gatehouse sharing the store.\n\nExample:\n  gatehouse keys revoke 3f2a9c0d1e4b5a6f")
        {
            config, id,
        };
        command.SetAction((parse, cancellationToken) => WithAdministrationAsync(parse, config, async (keys, _, output) =>
        {
            var key = parse.GetRequiredValue(id);
            switch (await keys.RevokeAsync(CommonOptions.Operator, key, cancellationToken))
            {
                case ApiKeyRevocation.Revoked:
                    output.WriteLine($"Key {key} is revoked.");
                    return ExitCodes.Ok;
                case ApiKeyRevocation.AlreadyRevoked:
                    output.WriteLine($"Key {key} was already revoked.");
                    return ExitCodes.Ok;
                default:
                    parse.InvocationConfiguration.Error.WriteLine($"There is no key {key}.");
                    return ExitCodes.Failed;
            }
        }));
        return command;
    }

    // Creating and revoking go through the same administration as the admin API and the console, so they are audited.
    private static Task<int> WithAdministrationAsync(ParseResult parse, Option<FileInfo> config, Func<ApiKeyAdministration, TimeProvider, TextWriter, Task<int>> action) =>
        StoreCommands.RunAsync(parse, config, (services, output) =>
            action(new ApiKeyAdministration(services.GetRequiredService<IApiKeyStore>(), services.GetRequiredService<IAuditLog>(),
                services.GetRequiredService<TimeProvider>()), services.GetRequiredService<TimeProvider>(), output));

    private static Task<int> WithStoreAsync(ParseResult parse, Option<FileInfo> config, Func<IApiKeyStore, TimeProvider, TextWriter, Task<int>> action) =>
        StoreCommands.RunAsync(parse, config, (services, output) =>
            action(services.GetRequiredService<IApiKeyStore>(), services.GetRequiredService<TimeProvider>(), output));

    private static JsonObject Describe(ApiKeyRecord key, TimeProvider time) => new()
    {
        ["id"] = key.Id,
        ["identity"] = key.Identity,
        ["roles"] = new JsonArray([.. key.Roles.Select(r => (JsonNode)r)]),
        ["createdAt"] = key.CreatedAt,
        ["expiresAt"] = key.ExpiresAt,
        ["revokedAt"] = key.RevokedAt,
        ["lastUsedAt"] = key.LastUsedAt,
        ["state"] = State(key, time),
    };

    private static string State(ApiKeyRecord key, TimeProvider time) =>
        key.IsRevoked ? "revoked" : key.IsExpiredAt(time.GetUtcNow()) ? "expired" : "active";
}
