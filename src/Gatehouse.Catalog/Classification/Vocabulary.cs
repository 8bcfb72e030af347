using System.Collections.Frozen;
using Gatehouse.Policy;

namespace Gatehouse.Catalog.Classification;

/// <summary>What a verb says a call does.</summary>
internal sealed record Verb(ToolCategory Category, ToolRisk Risk, string Meaning);

/// <summary>
/// The words the classifier knows in names and descriptions. Lists, not guesses: a word in none of them says
/// nothing, and a tool whose words all say nothing is treated as one that changes something.
/// </summary>
internal static class Vocabulary
{
    private const string Reads = "only reads";
    private const string Writes = "changes what the server keeps";
    private const string Sends = "sends something out of the server, which cannot be called back";
    private const string Runs = "runs something";
    private const string Schedules = "arranges a send or a run that happens later with no further call for Gatehouse to decide";
    private const string Publishes = "puts something live for others to see or use";
    private const string Stops = "stops or restarts something that is running";
    private const string Installs = "installs software, which runs code it brings";
    private const string PaysOut = "moves money";
    private const string Deletes = "removes data, which cannot be undone";
    private const string Wipes = "removes data wholesale, which cannot be undone";
    private const string Grants = "changes who may do what";

    public static readonly FrozenDictionary<string, Verb> Verbs = Build(
        (Reads, ToolCategory.Read, ToolRisk.Low,
            ["get", "list", "read", "search", "find", "query", "fetch", "check", "describe", "show", "view", "lookup",
             "count", "inspect", "retrieve", "browse", "ping", "preview", "explain", "validate", "verify", "print",
             "export", "download", "watch", "poll", "peek", "diff", "compare", "calculate", "compute", "estimate",
             "summarize", "analyze", "analyse"]),
        (Writes, ToolCategory.Write, ToolRisk.Medium,
            ["create", "add", "update", "set", "put", "patch", "edit", "modify", "change", "insert", "upsert", "save",
             "write", "rename", "move", "copy", "upload", "import", "append", "attach", "assign", "mark", "enable",
             "disable", "toggle", "subscribe", "unsubscribe", "restore", "register", "close", "reopen", "merge",
             "cancel", "pause", "resume", "approve", "reject", "sync", "configure"]),
        (Sends, ToolCategory.Execute, ToolRisk.Medium,
            ["send", "notify", "dispatch", "deliver", "forward"]),
        (Runs, ToolCategory.Execute, ToolRisk.Medium,
            ["execute", "exec", "run", "eval", "evaluate", "invoke", "trigger", "launch", "spawn", "apply", "submit"]),
        (Schedules, ToolCategory.Execute, ToolRisk.Medium,
            ["schedule", "enqueue"]),
        (Publishes, ToolCategory.Execute, ToolRisk.High,
            ["deploy", "publish", "broadcast"]),
        (Stops, ToolCategory.Execute, ToolRisk.High,
            ["restart", "reboot", "shutdown", "kill", "terminate"]),
        (Installs, ToolCategory.Execute, ToolRisk.High,
            ["install"]),
        (PaysOut, ToolCategory.Execute, ToolRisk.Critical,
            ["pay", "transfer", "refund", "charge", "withdraw", "purchase", "buy", "payout"]),
        (Deletes, ToolCategory.Destructive, ToolRisk.High,
            ["delete", "remove", "destroy", "erase", "clear", "reset", "uninstall", "unlink", "rm", "del", "discard",
             "overwrite", "prune", "expunge"]),
        (Wipes, ToolCategory.Destructive, ToolRisk.Critical,
            ["drop", "purge", "wipe", "truncate", "nuke"]),
        (Grants, ToolCategory.Admin, ToolRisk.High,
            ["grant", "revoke", "invite", "authorize", "impersonate", "promote", "demote"]));

    /// <summary>Words a description may open with before its verb: "This tool lets you send…".</summary>
    public static readonly FrozenSet<string> LeadIn = FrozenSet.Create(StringComparer.Ordinal,
        "this", "tool", "the", "a", "an", "use", "used", "to", "will", "can", "it", "you", "we", "please", "mcp",
        "function", "lets", "allows", "agent", "simply", "just");

    /// <summary>Nouns that make a send reach many people at once, with what they mean when they do.</summary>
    public static readonly FrozenDictionary<string, string> Audiences = BuildNouns(
        ("one call reaches every subscriber of its lists", ["campaign", "campaigns", "newsletter", "newsletters"]),
        ("one call reaches many recipients at once",
            ["blast", "bulk", "mass", "all", "everyone", "everybody", "subscribers", "audience", "audiences", "segment",
             "segments", "lists", "batch"]));

    /// <summary>Nouns that make a change reach many records at once.</summary>
    public static readonly FrozenSet<string> Bulk = FrozenSet.Create(StringComparer.Ordinal,
        "all", "every", "everything", "bulk", "batch", "mass", "many");

    /// <summary>Nouns for whole stores: removing one removes everything in it.</summary>
    public static readonly FrozenSet<string> Stores = FrozenSet.Create(StringComparer.Ordinal,
        "database", "databases", "db", "dbs", "table", "tables", "bucket", "buckets", "repository", "repositories",
        "repo", "repos", "cluster", "clusters", "namespace", "namespaces", "collection", "collections", "index",
        "indexes", "indices", "account", "accounts", "project", "projects", "schema", "schemas", "disk", "disks",
        "volume", "volumes", "workspace", "workspaces", "organization", "organizations", "org", "orgs", "tenant",
        "tenants");

    /// <summary>Nouns for who may do what and how the server itself is set up.</summary>
    public static readonly FrozenSet<string> Governance = FrozenSet.Create(StringComparer.Ordinal,
        "user", "users", "role", "roles", "permission", "permissions", "acl", "acls", "policy", "policies", "setting",
        "settings", "config", "configuration", "configurations", "webhook", "webhooks", "membership", "memberships",
        "admin", "admins", "administrator", "administrators", "owner", "owners", "ownership", "access", "auth",
        "oauth", "sso", "credential", "credentials", "password", "passwords", "passwd", "secret", "secrets", "token",
        "tokens", "apikey", "apikeys", "api key", "api keys", "access key", "access keys", "private key",
        "private keys", "secret key", "secret keys", "ssh key", "ssh keys", "signing key", "signing keys");

    /// <summary>Nouns for what a read should not hand an agent: the server's own credentials.</summary>
    public static readonly FrozenSet<string> Secrets = FrozenSet.Create(StringComparer.Ordinal,
        "env", "envs", "environ", "environment", "credential", "credentials", "password", "passwords", "passwd",
        "secret", "secrets", "token", "tokens", "apikey", "apikeys", "api key", "api keys", "access key",
        "access keys", "private key", "private keys", "secret key", "secret keys", "ssh key", "ssh keys",
        "signing key", "signing keys");

    /// <summary>Words before "key" that make it a credential rather than, say, a sort key.</summary>
    public static readonly FrozenSet<string> KeyKinds = FrozenSet.Create(StringComparer.Ordinal,
        "api", "access", "private", "secret", "ssh", "signing");

    /// <summary>What a description says when the server itself warns that a call cannot be taken back.</summary>
    public static readonly IReadOnlyList<string> Irreversible =
        ["cannot be undone", "can't be undone", "irreversible", "irreversibly", "permanently", "permanent"];

    private static FrozenDictionary<string, Verb> Build(
        params (string Meaning, ToolCategory Category, ToolRisk Risk, string[] Words)[] groups) =>
        groups.SelectMany(group => group.Words.Select(word => KeyValuePair.Create(word, new Verb(group.Category, group.Risk, group.Meaning))))
            .ToFrozenDictionary(StringComparer.Ordinal);

    private static FrozenDictionary<string, string> BuildNouns(params (string Meaning, string[] Words)[] groups) =>
        groups.SelectMany(group => group.Words.Select(word => KeyValuePair.Create(word, group.Meaning)))
            .ToFrozenDictionary(StringComparer.Ordinal);
}
