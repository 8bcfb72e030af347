using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Demo.Data;

/// <summary>
/// Sends a campaign the only way the demo sends anything: one outbox row per recipient.
/// Unlike Listmonk, which refuses to restart a running or finished campaign, every call queues the
/// campaign again: the demo exists to show what repeated send_campaign calls would do, and what a
/// policy that caps them saves.
/// </summary>
internal sealed partial class CampaignSender(DemoDatabase database, TimeProvider time, ILogger<CampaignSender> logger)
{
    // Listmonk's audience rules: enabled subscribers with a live subscription; a regular campaign reaches
    // double opt-in lists' confirmed subscribers only, an opt-in campaign only their unconfirmed ones
    // (it is the request to confirm). Someone on two target lists gets one email.
    private const string Recipients = """
        SELECT s.email FROM subscribers s
        JOIN subscriber_lists sl ON sl.subscriber_id = s.id
        JOIN campaign_lists cl ON cl.list_id = sl.list_id
        JOIN lists l ON l.id = sl.list_id
        WHERE cl.campaign_id = $id AND s.status = 'enabled' AND sl.status <> 'unsubscribed'
            AND CASE WHEN $type = 'optin' THEN l.optin = 'double' AND sl.status = 'unconfirmed'
                     ELSE l.optin <> 'double' OR sl.status = 'confirmed' END
        GROUP BY s.id ORDER BY s.id
        """;

    public JsonObject Send(long id)
    {
        var result = database.Write(session =>
        {
            var campaign = CampaignStore.Find(session, id);
            var subject = campaign["subject"]!.GetValue<string>();
            var now = Timestamps.Format(time.GetUtcNow());
            var recipients = session.Query(Recipients, row => row.Text("email"), ("$id", id), ("$type", campaign["type"]!.GetValue<string>()));
            foreach (var email in recipients)
            {
                Outbox.Enqueue(session, id, templateId: null, email, subject, now);
            }

            session.Execute("UPDATE campaigns SET status = 'running', updated_at = $at WHERE id = $id", ("$id", id), ("$at", now));
            var total = campaign["emails_queued"]!.GetValue<long>() + recipients.Count;
            return new JsonObject
            {
                ["message"] = $"Campaign {id} '{campaign["name"]}' is being sent: {recipients.Count} emails queued ({total} for this campaign so far).",
                ["campaign_id"] = id,
                ["status"] = "running",
                ["emails_queued"] = recipients.Count,
            };
        });

        LogSent(id, result["emails_queued"]!.GetValue<int>());
        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Campaign {CampaignId} sent: {Count} emails queued in the outbox")]
    private partial void LogSent(long campaignId, int count);
}
