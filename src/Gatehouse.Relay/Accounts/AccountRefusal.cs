using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay.Accounts;

/// <summary>
/// A client session that cannot reach its server because the person has not connected their account there: every request
/// of the client is answered with the refusal, which carries the link to connect (as a URL elicitation too, to an
/// initialize that says it takes them), until the client closes. Its text is what the person reads in their client.
/// </summary>
public static class AccountRefusal
{
    /// <summary>Answers the requests <paramref name="client"/> sends with <paramref name="refusal"/> until it closes.</summary>
    public static async Task ServeAsync(ITransport client, UpstreamAccountRequiredException refusal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(refusal);
        await foreach (var message in client.MessageReader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (message is not JsonRpcRequest request)
            {
                continue;
            }

            var elicitation = ConnectElicitation.For(request, refusal);
            await client.SendMessageAsync(JsonRpcReplies.Error(request.Id, elicitation is null ? McpErrorCode.InvalidRequest : McpErrorCode.UrlElicitationRequired,
                refusal.Message, elicitation), cancellationToken).ConfigureAwait(false);
        }
    }
}
