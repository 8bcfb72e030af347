using System.Collections.Concurrent;

namespace Gatehouse.Soak;

/// <summary>What a client asked for.</summary>
internal enum CallIntent
{
    AllowedTool,
    DeniedTool,
    LimitedTool,
    CheckedToolGoodArguments,
    CheckedToolBadArguments,
    ListTools,
}

/// <summary>What came back, as the client saw it.</summary>
internal enum CallAnswer
{
    /// <summary>The tool ran: a result without a Gatehouse decision (isError or not).</summary>
    Ran,

    /// <summary>A tool result refusing the call, its <c>gatehouse/decision</c> in <see cref="AcknowledgedCall.Decision"/>.</summary>
    Refused,

    /// <summary>A JSON-RPC error (an upstream that crashed under the call, for instance).</summary>
    Error,

    /// <summary>A <c>tools/list</c> result that showed exactly what the policy allows.</summary>
    Listed,

    /// <summary>A <c>tools/list</c> result that showed a denied tool or hid an allowed one.</summary>
    WrongList,

    /// <summary>No answer: the connection failed or the call timed out. Not acknowledged, so not looked for in the audit log.</summary>
    NoAnswer,
}

/// <summary>A call the gateway answered, with what finds its record in the audit log: session and JSON-RPC id.</summary>
/// <param name="Decision">The decision the client was told (<c>allow</c> for a call that ran), or null for a JSON-RPC error.</param>
internal sealed record AcknowledgedCall(string Session, string RequestId, string Tool, CallIntent Intent, CallAnswer Answer, string? Decision);

/// <summary>Everything the clients saw, shared by all of them.</summary>
internal sealed class CallLedger
{
    private readonly ConcurrentDictionary<(CallIntent, CallAnswer, string?), int> _counts = new();
    private readonly ConcurrentQueue<string> _noAnswerExamples = new();
    private readonly ConcurrentDictionary<string, int> _errors = new(StringComparer.Ordinal);
    private readonly int[] _variantsSeen = new int[2];
    private int _sessionsOpened, _sessionsClosed, _connectFailures;

    /// <summary>Every acknowledged <c>tools/call</c>, to be found in the audit log.</summary>
    public ConcurrentQueue<AcknowledgedCall> Acknowledged { get; } = new();

    public int SessionsOpened => Volatile.Read(ref _sessionsOpened);

    public int SessionsClosed => Volatile.Read(ref _sessionsClosed);

    public int ConnectFailures => Volatile.Read(ref _connectFailures);

    /// <summary>Denials the clients saw decided by policy variant A and by variant B: both show that reloads took effect.</summary>
    public (int A, int B) VariantsSeen => (Volatile.Read(ref _variantsSeen[0]), Volatile.Read(ref _variantsSeen[1]));

    /// <summary>Calls by what was asked, what came back and the decision told.</summary>
    public IReadOnlyDictionary<(CallIntent Intent, CallAnswer Answer, string? Decision), int> Counts => _counts;

    public IEnumerable<string> NoAnswerExamples => _noAnswerExamples;

    /// <summary>The JSON-RPC errors the clients got, by message.</summary>
    public IReadOnlyDictionary<string, int> Errors => _errors;

    public int Total(CallAnswer answer) => _counts.Where(c => c.Key.Item2 == answer).Sum(c => c.Value);

    public void Record(CallIntent intent, CallAnswer answer, string? decision = null) =>
        _counts.AddOrUpdate((intent, answer, decision), 1, (_, n) => n + 1);

    public void Acknowledge(AcknowledgedCall call)
    {
        Record(call.Intent, call.Answer, call.Decision);
        Acknowledged.Enqueue(call);
    }

    public void Error(string message)
    {
        // A handful of distinct messages is expected; past that, the rest are counted together.
        var key = _errors.ContainsKey(message) || _errors.Count < 10 ? message : "(other messages)";
        _errors.AddOrUpdate(key, 1, (_, n) => n + 1);
    }

    public void NoAnswer(CallIntent intent, string what)
    {
        Record(intent, CallAnswer.NoAnswer);
        if (_noAnswerExamples.Count < 10)
        {
            _noAnswerExamples.Enqueue(what);
        }
    }

    public void SawVariant(int variant) => Interlocked.Increment(ref _variantsSeen[variant]);

    public void SessionOpened() => Interlocked.Increment(ref _sessionsOpened);

    public void SessionClosed() => Interlocked.Increment(ref _sessionsClosed);

    public void ConnectFailed(string what)
    {
        Interlocked.Increment(ref _connectFailures);
        if (_noAnswerExamples.Count < 10)
        {
            _noAnswerExamples.Enqueue(what);
        }
    }
}
