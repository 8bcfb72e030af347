using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Gatehouse.Configuration;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Approvals;

/// <summary>
/// Announces each call that waits for approval to its grant's <c>approvalWebhook</c>: a JSON POST, signed with
/// HMAC-SHA256 over <c>TIMESTAMP.BODY</c> (<c>X-Gatehouse-Signature: sha256=HEX</c>, <c>X-Gatehouse-Timestamp</c>),
/// retried with back-off when the receiver fails. Deliveries run in the background: a slow chat never slows a call.
/// Each grant's webhook has a queue of its own, delivered a few at a time: a receiver that stalls delays no other
/// grant's announcements, and its own only once all of those few are stuck. Deliveries to one webhook may arrive in
/// another order than the calls were held.
/// </summary>
public sealed partial class WebhookApprovalNotifier : IApprovalNotifier, IAsyncDisposable
{
    /// <summary>The name of the <see cref="HttpClient"/> deliveries use.</summary>
    public const string HttpClientName = "gatehouse-approval-webhook";

    // Bounded, so that a burst of held calls does not open a connection each to one chat; more than one, so that a
    // delivery waiting out its timeouts and retries does not hold up the next.
    private const int DeliveriesAtOncePerWebhook = 4;

    private static readonly TimeSpan[] s_retryDelays = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8)];

    private readonly Dictionary<string, (ApprovalWebhookConfig Webhook, Channel<HeldCall> Queue)> _webhooks;
    private readonly IHttpClientFactory _http;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookApprovalNotifier> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task[] _senders;

    public WebhookApprovalNotifier(GatehouseConfig config, IHttpClientFactory http, TimeProvider time, ILogger<WebhookApprovalNotifier> logger)
    {
        ArgumentNullException.ThrowIfNull(config);
        _webhooks = config.Grants.Where(g => g.ApprovalWebhook is not null).ToDictionary(g => g.Id, g => (g.ApprovalWebhook!,
            Channel.CreateBounded<HeldCall>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropWrite })), StringComparer.Ordinal);
        _http = http;
        _time = time;
        _logger = logger;
        _senders = [.. _webhooks.Values.Select(webhook => Task.Run(() => SendAllAsync(webhook.Webhook, webhook.Queue.Reader)))];
    }

    public void Requested(HeldCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (_webhooks.TryGetValue(call.Grant, out var webhook) && !webhook.Queue.Writer.TryWrite(call))
        {
            LogDropped(_logger, call.Id);
        }
    }

    /// <summary>The body of a delivery, for the receiver to route and for an approver to act on: the held call as the admin API shows it.</summary>
    public static JsonObject Payload(HeldCall call)
    {
        var payload = ApprovalJson.Of(call);
        payload["event"] = "approval.requested";
        payload["approve"] = $"gatehouse approvals approve {call.Id}";
        payload["deny"] = $"gatehouse approvals deny {call.Id} --reason \"...\"";
        return payload;
    }

    /// <summary>The signature a receiver recomputes: HMAC-SHA256 of <c>TIMESTAMP.BODY</c> under the shared secret, in lowercase hex.</summary>
    public static string Sign(string secret, string timestamp, string body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
    }

    private Task SendAllAsync(ApprovalWebhookConfig webhook, ChannelReader<HeldCall> queue) =>
        Parallel.ForEachAsync(queue.ReadAllAsync(), new ParallelOptions { MaxDegreeOfParallelism = DeliveriesAtOncePerWebhook }, async (call, _) =>
        {
            try
            {
                await DeliverAsync(call, webhook).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // One delivery that fails in an unforeseen way must not end every later one.
                LogGaveUp(_logger, call.Id, webhook.Url.GetLeftPart(UriPartial.Path), 1, e.Message);
            }
        });

    private async Task DeliverAsync(HeldCall call, ApprovalWebhookConfig webhook)
    {
        var body = Payload(call).ToJsonString();
        for (var attempt = 0; ; attempt++)
        {
            string failure;
            try
            {
                var timestamp = _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
                using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                request.Headers.Add("X-Gatehouse-Event", "approval.requested");
                request.Headers.Add("X-Gatehouse-Delivery", call.Id);
                request.Headers.Add("X-Gatehouse-Timestamp", timestamp);
                request.Headers.Add("X-Gatehouse-Signature", Sign(webhook.Secret, timestamp, body));
                using var response = await _http.CreateClient(HttpClientName).SendAsync(request, _stopping.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                failure = $"HTTP {(int)response.StatusCode}";
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                failure = e.Message;
            }

            if (attempt == s_retryDelays.Length)
            {
                LogGaveUp(_logger, call.Id, webhook.Url.GetLeftPart(UriPartial.Path), attempt + 1, failure);
                return;
            }

            LogRetrying(_logger, call.Id, failure, s_retryDelays[attempt].TotalSeconds);
            try
            {
                await Task.Delay(s_retryDelays[attempt], _time, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, queue) in _webhooks.Values)
        {
            queue.Writer.TryComplete();
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_senders).ConfigureAwait(false);
        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Approval webhook for {Id} failed ({Failure}); retrying in {Seconds} s")]
    private static partial void LogRetrying(ILogger logger, string id, string failure, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Approval webhook for {Id} to {Url} failed {Attempts} times ({Failure}); not retried")]
    private static partial void LogGaveUp(ILogger logger, string id, string url, int attempts, string failure);

    [LoggerMessage(Level = LogLevel.Error, Message = "Approval webhook queue is full; {Id} was not announced")]
    private static partial void LogDropped(ILogger logger, string id);
}
