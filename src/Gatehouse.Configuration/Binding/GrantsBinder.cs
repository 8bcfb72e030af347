using Gatehouse.Configuration.Json;
using Gatehouse.Policy;

namespace Gatehouse.Configuration.Binding;

/// <summary>
/// Binds <c>grants</c>. Besides each grant's own fields it checks what only the whole list shows: unique
/// ids, and at most one grant per identity on a server, since a request must resolve to exactly one policy.
/// </summary>
internal sealed class GrantsBinder(string configDirectory, IReadOnlyCollection<string> serverNames, EnvironmentExpander environment, ConfigErrorList errors)
{
    private static readonly string[] Fields = ["id", "server", "identities", "policy", "scopes", "approvalWebhook"];
    private static readonly string[] RequiredFields = ["id", "server", "identities", "policy"];
    private static readonly string[] WebhookFields = ["url", "secret"];

    // An HMAC key shorter than this is guessable; webhook receivers check the signature to trust the payload.
    private const int MinimumSecretLength = 16;

    private readonly Dictionary<string, TextPosition> _ids = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Server, string Identity), string> _grantOfIdentity = [];

    public IReadOnlyList<GrantConfig> Bind(JsonArrayNode grants, string path)
    {
        var result = new List<GrantConfig>();
        for (var i = 0; i < grants.Items.Count; i++)
        {
            if (BindGrant(grants.Items[i], FieldPath.Item(path, i)) is { } grant)
            {
                result.Add(grant);
            }
        }

        return result.AsReadOnly();
    }

    private GrantConfig? BindGrant(JsonValueNode node, string path)
    {
        var fields = ObjectFields.Open(node, path, Fields, errors);
        if (fields is null)
        {
            return null;
        }

        foreach (var required in RequiredFields)
        {
            fields.Require(required);
        }

        var id = Id(fields);
        var server = Server(fields);
        var identities = Identities(fields, id, server);
        var policy = Policy(fields);
        var scopes = Scopes(fields);
        var webhook = fields.Object("approvalWebhook") is { } hook ? Webhook(hook, fields.PathOf("approvalWebhook")) : null;
        return id is null || server is null || identities is null || policy is null || scopes is null
            ? null
            : new GrantConfig { Id = id, Server = server, Identities = identities, PolicyPath = policy, Scopes = scopes, ApprovalWebhook = webhook };
    }

    private ApprovalWebhookConfig? Webhook(JsonObjectNode node, string path)
    {
        if (ObjectFields.Open(node, path, WebhookFields, errors) is not { } fields)
        {
            return null;
        }

        fields.Require("url");
        fields.Require("secret");
        Uri? url = null;
        if (fields.Text("url") is { } text)
        {
            if (Uri.TryCreate(text, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https")
            {
                url = parsed;
            }
            else
            {
                fields.Report("url", $"must be an http:// or https:// URL, not '{text}'");
            }
        }

        // The secret signs each delivery: ${env:NAME} or ${file:PATH} keep it out of the file.
        var secret = fields.String("secret") is { } secretNode ? environment.Expand(secretNode, fields.PathOf("secret")) : null;
        if (secret is not null && secret.Length < MinimumSecretLength)
        {
            fields.Report("secret", $"must be at least {MinimumSecretLength} characters long");
            return null;
        }

        return url is null || secret is null ? null : new ApprovalWebhookConfig { Url = url, Secret = secret };
    }

    private string? Id(ObjectFields fields)
    {
        if (fields.String("id") is not { } node)
        {
            return null;
        }

        if (!NameRule.IsValid(node.Value))
        {
            fields.Report("id", $"a grant id {NameRule.Description}");
            return null;
        }

        if (_ids.TryGetValue(node.Value, out var first))
        {
            fields.Report("id", $"duplicate grant id '{node.Value}' (first at line {first.Line}, column {first.Column})");
            return null;
        }

        _ids.Add(node.Value, node.Position);
        return node.Value;
    }

    private string? Server(ObjectFields fields)
    {
        var server = fields.Text("server");
        if (server is not null && !serverNames.Contains(server))
        {
            fields.Report("server", $"unknown server '{server}'; it must be a key of mcpServers{Suggestion.DidYouMean(server, serverNames)}");
            return null;
        }

        return server;
    }

    private IReadOnlyList<string>? Identities(ObjectFields fields, string? grantId, string? server)
    {
        if (fields.StringItems("identities") is not { } items)
        {
            return null;
        }

        if (items.Count == 0)
        {
            fields.Report("identities", "must list at least one identity");
            return null;
        }

        var identities = new List<string>();
        foreach (var (path, node) in items)
        {
            var identity = node.Value;
            if (string.IsNullOrWhiteSpace(identity))
            {
                errors.Add(node.Position, path, "an identity must not be empty");
            }
            else if (identity.StartsWith("claim:", StringComparison.Ordinal) && identity.IndexOf('=', "claim:".Length) is var equals &&
                (equals <= "claim:".Length || equals == identity.Length - 1))
            {
                errors.Add(node.Position, path, $"'{identity}' is not a claim selector such as 'claim:groups=marketing'");
            }
            else if (identities.Contains(identity))
            {
                errors.Add(node.Position, path, $"'{identity}' is listed twice");
            }
            else if (grantId is not null && server is not null && !_grantOfIdentity.TryAdd((server, identity), grantId))
            {
                errors.Add(node.Position, path,
                    $"'{identity}' already has grant '{_grantOfIdentity[(server, identity)]}' on server '{server}'; an identity has one policy per server");
            }

            identities.Add(identity);
        }

        return identities.AsReadOnly();
    }

    private IReadOnlyList<string>? Scopes(ObjectFields fields)
    {
        if (fields.StringItems("scopes") is not { } items)
        {
            return fields.Has("scopes") ? null : [];
        }

        var scopes = new List<string>();
        var valid = true;
        foreach (var (path, node) in items)
        {
            if (!ScopeTokens.IsValid(node.Value))
            {
                errors.Add(node.Position, path, $"a scope {ScopeTokens.Description}, not '{node.Value}'");
                valid = false;
            }
            else if (scopes.Contains(node.Value))
            {
                errors.Add(node.Position, path, $"scope '{node.Value}' is listed twice");
                valid = false;
            }
            else
            {
                scopes.Add(node.Value);
            }
        }

        return valid ? scopes.AsReadOnly() : null;
    }

    private string? Policy(ObjectFields fields)
    {
        if (fields.Text("policy") is not { } policy)
        {
            return null;
        }

        if (!RelativePath.TryResolve(policy, configDirectory, out var fullPath))
        {
            fields.Report("policy", "must be a file path");
            return null;
        }

        return fullPath;
    }
}
