using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay.Wire;

/// <summary>
/// The one way Gatehouse reads a client's message, whatever transport it came by: checked by <see cref="CanonicalJson"/>,
/// then read with member names matched byte for byte, so that a decision looking up <c>arguments</c> never finds
/// <c>Arguments</c>, which a server would not read.
/// </summary>
public static class WireMessages
{
    /// <summary>The SDK's options, except that member names are matched exactly (the SDK's web defaults ignore case).</summary>
    public static readonly JsonSerializerOptions Options = CaseSensitive();

    private static readonly JsonTypeInfo<JsonRpcMessage> s_messageType = (JsonTypeInfo<JsonRpcMessage>)Options.GetTypeInfo(typeof(JsonRpcMessage));

    /// <summary>Reads one message from <paramref name="utf8"/>, or says why it is refused.</summary>
    public static WireRead Read(ReadOnlySpan<byte> utf8)
    {
        if (CanonicalJson.FindProblem(utf8) is { } problem)
        {
            return new WireRead(null, Refusal(utf8, problem));
        }

        try
        {
            return JsonSerializer.Deserialize(utf8, s_messageType) is { } message
                ? new WireRead(message, null)
                : new WireRead(null, Refusal(utf8, new WireProblem("$", McpErrorCode.InvalidRequest, "the body holds no JSON-RPC message")));
        }
        catch (JsonException ex)
        {
            return new WireRead(null, Refusal(utf8, new WireProblem("$", McpErrorCode.InvalidRequest, $"it is not a JSON-RPC message: {ex.Message}")));
        }
    }

    private static WireRefusal Refusal(ReadOnlySpan<byte> utf8, WireProblem problem)
    {
        var (id, method, isResponse) = Envelope(utf8);
        return new WireRefusal(id, method, problem, isResponse);
    }

    /// <summary>
    /// The id and method of a refused message, where they can be read without doubt, so that the client's request gets
    /// its error and the audit log names what was refused; and whether it is the client's answer to a request.
    /// </summary>
    private static (RequestId Id, string? Method, bool IsResponse) Envelope(ReadOnlySpan<byte> utf8)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (default, null, false);
            }

            RequestId id = default;
            string? method = null;
            var ids = 0;
            var answers = false;
            foreach (var member in document.RootElement.EnumerateObject())
            {
                if (member.NameEquals("id"))
                {
                    ids++;
                    id = member.Value.ValueKind switch
                    {
                        JsonValueKind.String => new RequestId(member.Value.GetString()!),
                        JsonValueKind.Number when member.Value.TryGetInt64(out var number) && CanonicalJson.IsSafeInteger(number) => new RequestId(number),
                        _ => default,
                    };
                }
                else if (member.NameEquals("method") && member.Value.ValueKind == JsonValueKind.String)
                {
                    method = member.Value.GetString();
                }
                else if (member.NameEquals("result") || member.NameEquals("error"))
                {
                    answers = true;
                }
            }

            // Two ids: answering either could answer a request the client did not mean.
            return (ids == 1 ? id : default, method, answers && method is null);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return (default, null, false);
        }
    }

    private static JsonSerializerOptions CaseSensitive()
    {
        var options = new JsonSerializerOptions(McpJsonUtilities.DefaultOptions) { PropertyNameCaseInsensitive = false };
        options.MakeReadOnly();
        return options;
    }
}

/// <summary>A message read from the wire, or why it was refused; exactly one of the two is set.</summary>
public readonly record struct WireRead(JsonRpcMessage? Message, WireRefusal? Refusal);

/// <summary>A client's message that Gatehouse refuses to read, and what it can still tell of it.</summary>
/// <param name="Id">The request's id when it could be read without doubt; the reply goes to it (default: none).</param>
/// <param name="Method">The method, when it could be read, for the audit log.</param>
/// <param name="Problem">Where and why.</param>
/// <param name="IsResponse">
/// Whether the message is the client's answer to a request of the server (a result or an error): its id is the
/// server's, so an error under it would reach the client as the answer to a request of the client's own.
/// </param>
public sealed record WireRefusal(RequestId Id, string? Method, WireProblem Problem, bool IsResponse = false)
{
    /// <summary>The words the client and the audit log get.</summary>
    public string Reason => $"Gatehouse refuses this message at {Problem.Path}: {Problem.Reason}.";

    /// <summary>The JSON-RPC error that answers the message.</summary>
    public JsonRpcError Reply => JsonRpcReplies.Error(Id, Problem.Code, Reason);
}
