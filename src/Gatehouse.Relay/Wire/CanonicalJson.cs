using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using ModelContextProtocol;

namespace Gatehouse.Relay.Wire;

/// <summary>
/// Checks that a JSON-RPC message reads the same to every JSON reader a server may be built on (JavaScript's
/// <c>JSON.parse</c>, Python's <c>json</c>, Go's <c>encoding/json</c>, .NET's readers), so that what Gatehouse
/// decides is what the server runs. It finds the first place where two readers could disagree.
/// </summary>
/// <remarks>
/// What it refuses, and which reader it protects: text that is not UTF-8 (replaced by some readers, refused by
/// others); lone surrogate escapes (kept by JavaScript and Python, replaced by Go, refused by .NET); two members of
/// one object whose names are equal byte for byte or under Unicode case folding (the last wins in most readers,
/// Go matches struct fields without regard to case); numbers that an IEEE double does not hold exactly (Gatehouse
/// compares exact decimals, most servers read doubles); and request ids that are not integers within
/// ±(2^53 − 1), which a JavaScript server cannot tell apart.
/// </remarks>
public static class CanonicalJson
{
    /// <summary>The largest integer every reader of doubles holds exactly, 2^53 − 1.</summary>
    public const long MaxSafeInteger = (1L << 53) - 1;

    // How much of a name or a number a refusal shows: enough to find it, not all of a megabyte one, which the reply
    // and the audit record would each carry (twice, for two names).
    private const int Shown = 64;

    // The members of a request's params that MCP defines, by their folded names. A server that matches names without
    // regard to case (Go's encoding/json into a struct) reads "Arguments" as the arguments; Gatehouse reads only
    // "arguments". So another spelling of one of these is refused rather than read two ways.
    private static readonly Dictionary<string, string> s_paramsFields = new[]
    {
        "name", "arguments", "uri", "ref", "argument", "context", "_meta", "cursor", "level", "requestId", "reason",
        "progressToken", "progress", "total", "message", "protocolVersion", "capabilities", "clientInfo", "task", "taskId",
    }.ToDictionary(Fold, field => field, StringComparer.Ordinal);

    /// <summary>The first place in <paramref name="utf8"/> where readers could disagree, or null when there is none.</summary>
    public static WireProblem? FindProblem(ReadOnlySpan<byte> utf8)
    {
        if (!Utf8.IsValid(utf8))
        {
            return new WireProblem("$", McpErrorCode.ParseError, $"the message is not valid UTF-8 (from byte {InvalidUtf8Offset(utf8)})");
        }

        var scan = new Scan();
        try
        {
            return scan.Run(utf8);
        }
        catch (JsonException ex)
        {
            return new WireProblem(scan.Path(), McpErrorCode.ParseError, $"the message is not valid JSON: {ex.Message}");
        }
    }

    /// <summary>
    /// Simple case folding of <paramref name="name"/>, as near as .NET's invariant casing comes: two names with the
    /// same fold are the same name to a reader that ignores case (Go folds <c>ſ</c> to <c>s</c> and the Kelvin sign to <c>k</c>).
    /// </summary>
    public static string Fold(string name)
    {
        if (Ascii.IsValid(name))
        {
            return name.ToLowerInvariant();
        }

        var folded = new StringBuilder(name.Length);
        foreach (var rune in name.EnumerateRunes())
        {
            // Lower, upper, lower again: both orders readers fold in land on one member of each case orbit. The long
            // s is Go's s whatever .NET's casing says: with invariant globalization (no ICU) it has no upper case.
            folded.Append(rune.Value == 0x017F ? "s" : Rune.ToLowerInvariant(Rune.ToUpperInvariant(Rune.ToLowerInvariant(rune))).ToString());
        }

        return folded.ToString();
    }

    /// <summary>The first <see cref="Shown"/> characters of <paramref name="text"/>, marked when there are more.</summary>
    internal static string Clip(string text) =>
        text.Length <= Shown ? text : string.Concat(text.AsSpan(0, char.IsHighSurrogate(text[Shown - 1]) ? Shown - 1 : Shown), "…");

    /// <summary>Whether every reader of doubles holds <paramref name="value"/> exactly (long.MinValue has no absolute value).</summary>
    internal static bool IsSafeInteger(long value) => value is >= -MaxSafeInteger and <= MaxSafeInteger;

    /// <summary>Whether the escaped string <paramref name="escaped"/> (a JSON string's raw bytes) has a surrogate escape without its pair.</summary>
    internal static bool HasLoneSurrogate(ReadOnlySpan<byte> escaped)
    {
        for (var i = 0; i < escaped.Length; i++)
        {
            if (escaped[i] != '\\')
            {
                continue;
            }

            i++;
            if (escaped[i] != 'u')
            {
                continue;
            }

            var unit = Hex4(escaped.Slice(i + 1, 4));
            i += 4;
            if (char.IsLowSurrogate(unit))
            {
                return true;
            }

            if (char.IsHighSurrogate(unit))
            {
                if (i + 6 >= escaped.Length || escaped[i + 1] != '\\' || escaped[i + 2] != 'u' || !char.IsLowSurrogate(Hex4(escaped.Slice(i + 3, 4))))
                {
                    return true;
                }

                i += 6;
            }
        }

        return false;
    }

    private static char Hex4(ReadOnlySpan<byte> hex)
    {
        var value = 0;
        foreach (var digit in hex)
        {
            value = value * 16 + (digit <= '9' ? digit - '0' : (digit | 0x20) - 'a' + 10);
        }

        return (char)value;
    }

    private static int InvalidUtf8Offset(ReadOnlySpan<byte> utf8)
    {
        var offset = 0;
        while (offset < utf8.Length)
        {
            if (Rune.DecodeFromUtf8(utf8[offset..], out _, out var consumed) != OperationStatus.Done)
            {
                return offset;
            }

            offset += consumed;
        }

        return offset;
    }

    /// <summary>One pass over a message, keeping the path to where it is for the problem it may report.</summary>
    private sealed class Scan
    {
        private readonly List<Frame> _frames = [];
        private int _depth;

        public WireProblem? Run(ReadOnlySpan<byte> utf8)
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read())
            {
                return new WireProblem("$", McpErrorCode.ParseError, "the message is empty");
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return new WireProblem("$", McpErrorCode.InvalidRequest, "a JSON-RPC message is a JSON object");
            }

            do
            {
                if (Step(ref reader) is { } problem)
                {
                    return problem;
                }
            }
            while (reader.Read());

            return null;
        }

        private WireProblem? Step(ref Utf8JsonReader reader)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    EnterValue();
                    Push(reader.TokenType == JsonTokenType.StartObject);
                    return null;

                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    _depth--;
                    return null;

                case JsonTokenType.PropertyName:
                    return Member(ref reader);

                case JsonTokenType.String:
                    EnterValue();
                    return reader.ValueIsEscaped && HasLoneSurrogate(reader.ValueSpan)
                        ? Problem("a string holds a lone surrogate escape, which is not Unicode text")
                        : null;

                case JsonTokenType.Number:
                    EnterValue();
                    return Number(ref reader);

                default:
                    EnterValue();
                    return null;
            }
        }

        private WireProblem? Member(ref Utf8JsonReader reader)
        {
            var frame = _frames[_depth - 1];
            if (reader.ValueIsEscaped && HasLoneSurrogate(reader.ValueSpan))
            {
                frame.Name = "?";
                return Problem("a member name holds a lone surrogate escape, which is not Unicode text");
            }

            var name = reader.GetString()!;
            frame.Name = name;
            var folded = Fold(name);
            if (_depth == 2 && _frames[0].Name == "params" && s_paramsFields.TryGetValue(folded, out var field) && field != name)
            {
                return Problem($"the member \"{Clip(name)}\" is a spelling of \"{field}\", which Gatehouse reads only as \"{field}\" while readers that ignore case take either");
            }

            if (!frame.Names.TryAdd(folded, name))
            {
                var earlier = frame.Names[folded];
                return Problem(earlier == name
                    ? $"the member \"{Clip(name)}\" occurs twice in one object, so readers could take either value"
                    : $"the members \"{Clip(earlier)}\" and \"{Clip(name)}\" of one object differ only in case, and readers that ignore case could take either value");
            }

            return null;
        }

        private WireProblem? Number(ref Utf8JsonReader reader)
        {
            if (_depth == 1 && _frames[0].Name == "id")
            {
                return reader.TryGetInt64(out var id) && IsSafeInteger(id)
                    ? null
                    : new WireProblem("$.id", McpErrorCode.InvalidRequest,
                        $"a numeric request id must be an integer within ±{MaxSafeInteger} (2^53 − 1), which every reader holds exactly");
            }

            // The id a cancellation names: a server reads 1.0 or 1e0 as request 1, which Gatehouse would not end.
            if (_depth == 2 && _frames[0].Name == "params" && _frames[1].Name == "requestId" && !(reader.TryGetInt64(out var named) && IsSafeInteger(named)))
            {
                return Problem($"a numeric requestId must be written as an integer within ±{MaxSafeInteger} (2^53 − 1), as the request's id was");
            }

            return DoubleRoundTrip.Survives(reader.ValueSpan)
                ? null
                : Problem($"the number {Clip(Encoding.UTF8.GetString(reader.ValueSpan[..Math.Min(reader.ValueSpan.Length, Shown + 1)]))} is not exactly an IEEE double, so servers that read doubles would see another value");
        }

        private void Push(bool isObject)
        {
            if (_frames.Count == _depth)
            {
                _frames.Add(new Frame());
            }

            _frames[_depth].Reset(isObject);
            _depth++;
        }

        // An array's item moves the array's index on; an object's member value was named by its PropertyName.
        private void EnterValue()
        {
            if (_depth > 0 && !_frames[_depth - 1].IsObject)
            {
                _frames[_depth - 1].Index++;
            }
        }

        private WireProblem Problem(string reason)
        {
            var path = Path();
            return new WireProblem(path, path.StartsWith("$.params", StringComparison.Ordinal) ? McpErrorCode.InvalidParams : McpErrorCode.InvalidRequest, reason);
        }

        public string Path()
        {
            var path = new StringBuilder("$");
            for (var i = 0; i < _depth; i++)
            {
                var frame = _frames[i];
                if (frame.IsObject)
                {
                    if (frame.Name is { } name)
                    {
                        path.Append('.').Append(Clip(name));
                    }
                }
                else if (frame.Index >= 0)
                {
                    path.Append('[').Append(frame.Index).Append(']');
                }
            }

            return path.ToString();
        }

        private sealed class Frame
        {
            // Above this many names an object's table is dropped rather than cleared: clearing costs the table's
            // capacity, so one wide object followed by many small ones at its depth would cost their product.
            private const int KeptNames = 64;

            public Dictionary<string, string> Names { get; private set; } = new(StringComparer.Ordinal);

            public bool IsObject { get; private set; }

            public string? Name { get; set; }

            public int Index { get; set; }

            public void Reset(bool isObject)
            {
                IsObject = isObject;
                Name = null;
                Index = -1;
                if (Names.Count > KeptNames)
                {
                    Names = new(StringComparer.Ordinal);
                }
                else
                {
                    Names.Clear();
                }
            }
        }
    }
}

/// <summary>Where and why a message could be read differently by different readers.</summary>
/// <param name="Path">The JSON path of the first such place, such as <c>$.params.arguments.campaign_id</c>.</param>
/// <param name="Code">The JSON-RPC error that refuses it: parse error, invalid request, or invalid params inside <c>params</c>.</param>
/// <param name="Reason">Why, in words for the person reading the client's error.</param>
public sealed record WireProblem(string Path, McpErrorCode Code, string Reason);
