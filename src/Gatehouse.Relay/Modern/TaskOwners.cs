using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Gatehouse.Relay.Modern;

/// <summary>
/// Who created each task an upstream returned: a task is read, updated or cancelled only by the identity and grant that
/// created it. A task Gatehouse did not see created (another gateway's, or one from before a restart) is nobody's here.
/// </summary>
internal sealed class TaskOwners(TimeProvider time)
{
    /// <summary>How long a task stays reachable after it was created.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    /// <summary>The most tasks remembered at once; beyond it the oldest are forgotten first.</summary>
    public const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<(string Server, string TaskId), Owner> _owners = new();

    /// <summary>Notes the task a result creates, when it creates one (<c>resultType: "task"</c>).</summary>
    public void Remember(string server, string? identity, string grant, JsonObject result)
    {
        if (result["resultType"] is not JsonValue type || !type.TryGetValue<string>(out var kind) || kind != "task" ||
            result["taskId"] is not JsonValue id || !id.TryGetValue<string>(out var taskId))
        {
            return;
        }

        if (_owners.Count >= MaxEntries)
        {
            foreach (var oldest in _owners.OrderBy(o => o.Value.CreatedAt).Take(MaxEntries / 10).ToList())
            {
                _owners.TryRemove(oldest.Key, out _);
            }
        }

        // The first creator keeps the task: an upstream that hands the same id to another caller (it sees every caller
        // of Gatehouse as one) gives that caller no way into the first one's task.
        var owner = new Owner(identity ?? "", grant, time.GetTimestamp());
        _owners.AddOrUpdate((server, taskId), owner, (_, held) => time.GetElapsedTime(held.CreatedAt) > Lifetime ? owner : held);
    }

    /// <summary>Whether <paramref name="identity"/> created the task <paramref name="taskId"/> under <paramref name="grant"/>.</summary>
    public bool Owns(string server, string? identity, string grant, string taskId) =>
        _owners.TryGetValue((server, taskId), out var owner) && owner.Identity == (identity ?? "") && owner.Grant == grant &&
        time.GetElapsedTime(owner.CreatedAt) <= Lifetime;

    /// <summary>The task id <paramref name="parameters"/> name, when they name one as a string.</summary>
    public static string? TaskIdOf(JsonNode? parameters) =>
        (parameters as JsonObject)?["taskId"] is JsonValue id && id.TryGetValue<string>(out var taskId) ? taskId : null;


    private sealed record Owner(string Identity, string Grant, long CreatedAt);
}
