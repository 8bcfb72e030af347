namespace Gatehouse.Demo.Data;

/// <summary>
/// The emails the demo would have sent. Nothing leaves the machine: a row here stands for one message
/// handed to a mail server, which is what the gateway demo counts to show a policy's effect.
/// </summary>
internal static class Outbox
{
    public static void Enqueue(SqlSession session, long? campaignId, long? templateId, string email, string subject, string queuedAt) =>
        session.Execute(
            "INSERT INTO outbox (campaign_id, template_id, subscriber_email, subject, queued_at) VALUES ($campaign, $template, $email, $subject, $at)",
            ("$campaign", campaignId), ("$template", templateId), ("$email", email), ("$subject", subject), ("$at", queuedAt));

    public static int Count(SqlSession session) => (int)session.Scalar("SELECT count(*) FROM outbox");
}
