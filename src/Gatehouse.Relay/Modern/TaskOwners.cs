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

    /// <summary>The most tasks remembered at once; beyond it a new task is remembered for nobody (its calls fail closed).</summary>
    public const int MaxEntries = 100_000;

    /// <summary>The most tasks one identity's grant on a server keeps; beyond it that caller's own oldest are forgotten.</summary>
    public const int MaxPerCaller = 1_000;

    private readonly ConcurrentDictionary<(string Server, string TaskId), Owner> _owners = new();
    private readonly ConcurrentDictionary<(string Server, string Identity, string Grant), ConcurrentQueue<string>> _byCaller = new();

    /// <summary>Notes the task a result creates, when it creates one (<c>resultType: "task"</c>).</summary>
    public void Remember(string server, string? identity, string grant, JsonObject result)
    {
        if (result["resultType"] is not JsonValue type || !type.TryGetValue<string>(out var kind) || kind != "task" ||
            TaskIdOf(result) is not { } taskId)
        {
            return;
        }

        if (_owners.Count >= MaxEntries)
        {
            Sweep();
            if (_owners.Count >= MaxEntries)
            {
                // Never another caller's task forgotten to make room: the caller that fills the table loses its own.
                return;
            }
        }

        // The first creator keeps the task: an upstream that hands the same id to another caller (it sees every caller
        // of Gatehouse as one) gives that caller no way into the first one's task.
        var owner = new Owner(identity ?? "", grant, time.GetTimestamp());
        if (_owners.AddOrUpdate((server, taskId), owner, (_, held) => time.GetElapsedTime(held.CreatedAt) > Lifetime ? owner : held) != owner)
        {
            return;
        }

        var mine = _byCaller.GetOrAdd((server, owner.Identity, grant), _ => new ConcurrentQueue<string>());
        mine.Enqueue(taskId);
        while (mine.Count > MaxPerCaller && mine.TryDequeue(out var oldest))
        {
            if (_owners.TryGetValue((server, oldest), out var held) && held.Identity == owner.Identity && held.Grant == grant)
            {
                _owners.TryRemove(new KeyValuePair<(string, string), Owner>((server, oldest), held));
            }
        }
    }

    /// <summary>Whether <paramref name="identity"/> created the task <paramref name="taskId"/> under <paramref name="grant"/>.</summary>
    public bool Owns(string server, string? identity, string grant, string taskId) =>
        _owners.TryGetValue((server, taskId), out var owner) && owner.Identity == (identity ?? "") && owner.Grant == grant &&
        time.GetElapsedTime(owner.CreatedAt) <= Lifetime;

    /// <summary>The task id <paramref name="parameters"/> name, when they name one as a string.</summary>
    public static string? TaskIdOf(JsonNode? parameters) =>
        (parameters as JsonObject)?["taskId"] is JsonValue id && id.TryGetValue<string>(out var taskId) ? taskId : null;

    private void Sweep()
    {
        foreach (var (key, owner) in _owners)
        {
            if (time.GetElapsedTime(owner.CreatedAt) > Lifetime)
            {
                _owners.TryRemove(key, out _);
            }
        }
    }

    private sealed record Owner(string Identity, string Grant, long CreatedAt);
}
