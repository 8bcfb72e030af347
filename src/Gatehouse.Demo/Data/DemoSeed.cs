namespace Gatehouse.Demo.Data;

/// <summary>
/// The sample data a fresh demo database starts with. Fixed values and a fixed timestamp keep every
/// fresh database identical, so demo scripts and tests can name rows by id.
/// </summary>
internal static class DemoSeed
{
    private const string SeededAt = "2025-01-06T09:00:00.000Z";

    private static readonly (string Name, string Type, string Optin, string Tags, string Description)[] Lists =
    [
        ("Weekly Newsletter", "public", "single", """["newsletter"]""", "News and articles, every Monday."),
        ("Product Updates", "public", "double", """["product"]""", "Release notes and feature announcements."),
        ("Beta Testers", "private", "single", """["beta"]""", "People trying features before release."),
        ("Internal Staff", "private", "single", """["internal"]""", "Everyone on the team."),
    ];

    // Memberships as (list id, subscription status): a mix of confirmed, unconfirmed and unsubscribed
    // subscriptions, and of enabled, disabled and blocklisted subscribers, so that sending a campaign
    // has to skip someone.
    private static readonly (string Name, string Email, string Status, string Attribs, (int List, string Status)[] Lists)[] Subscribers =
    [
        ("Ada Lovelace", "ada.lovelace@example.com", "enabled", """{"city":"London"}""", [(1, "confirmed"), (2, "confirmed"), (3, "confirmed")]),
        ("Alan Turing", "alan.turing@example.com", "enabled", """{"city":"Manchester"}""", [(1, "confirmed"), (2, "unconfirmed")]),
        ("Grace Hopper", "grace.hopper@example.com", "enabled", """{"city":"Arlington"}""", [(1, "confirmed"), (3, "confirmed")]),
        ("Edsger Dijkstra", "edsger.dijkstra@example.com", "enabled", "{}", [(1, "confirmed")]),
        ("Barbara Liskov", "barbara.liskov@example.com", "enabled", """{"city":"Cambridge"}""", [(1, "confirmed"), (2, "confirmed"), (4, "confirmed")]),
        ("Donald Knuth", "donald.knuth@example.com", "enabled", "{}", [(1, "unsubscribed")]),
        ("Margaret Hamilton", "margaret.hamilton@example.com", "enabled", """{"city":"Boston"}""", [(2, "confirmed"), (3, "confirmed")]),
        ("Ken Thompson", "ken.thompson@example.com", "enabled", "{}", [(1, "confirmed"), (4, "confirmed")]),
        ("Frances Allen", "frances.allen@example.com", "disabled", "{}", [(1, "confirmed")]),
        ("Dennis Ritchie", "dennis.ritchie@example.com", "enabled", "{}", [(1, "confirmed"), (2, "confirmed")]),
        ("Radia Perlman", "radia.perlman@example.com", "enabled", """{"city":"Seattle"}""", [(1, "confirmed"), (3, "confirmed")]),
        ("Tim Berners-Lee", "tim.berners-lee@example.com", "enabled", """{"city":"Geneva"}""", [(2, "unconfirmed")]),
        ("Katherine Johnson", "katherine.johnson@example.com", "enabled", "{}", [(1, "confirmed"), (4, "confirmed")]),
        ("Linus Torvalds", "linus.torvalds@example.com", "enabled", """{"city":"Portland"}""", [(1, "confirmed"), (2, "confirmed"), (3, "confirmed")]),
        ("Hedy Lamarr", "hedy.lamarr@example.com", "blocklisted", "{}", [(1, "unsubscribed")]),
        ("John McCarthy", "john.mccarthy@example.com", "enabled", "{}", [(1, "confirmed")]),
        ("Adele Goldberg", "adele.goldberg@example.com", "enabled", """{"city":"Palo Alto"}""", [(2, "confirmed"), (4, "confirmed")]),
        ("Niklaus Wirth", "niklaus.wirth@example.com", "disabled", """{"city":"Zurich"}""", [(1, "confirmed"), (3, "confirmed")]),
        ("Shafi Goldwasser", "shafi.goldwasser@example.com", "enabled", "{}", [(1, "confirmed")]),
        ("Leslie Lamport", "leslie.lamport@example.com", "enabled", "{}", [(1, "confirmed"), (2, "confirmed")]),
    ];

    private static readonly (string Name, string Type, string Body, bool IsDefault)[] Templates =
    [
        ("Default campaign template", "campaign", """
            <!doctype html>
            <html><body>
            <div class="wrap">{{ template "content" . }}</div>
            <p class="footer">You receive this because you subscribed. <a href="{{ UnsubscribeURL }}">Unsubscribe</a></p>
            </body></html>
            """, true),
        ("Plain newsletter", "campaign", """<html><body>{{ template "content" . }}</body></html>""", false),
        ("Password reset", "tx", """<p>Hello {{ .Subscriber.Name }},</p><p>Reset your password here: {{ .Tx.Data.reset_url }}</p>""", false),
        ("Order confirmation", "tx", """<p>Hello {{ .Subscriber.Name }},</p><p>Your order {{ .Tx.Data.order_id }} is confirmed.</p>""", false),
    ];

    private static readonly (string Name, string Subject, string Body, int Template, string Tags, int[] Lists)[] Campaigns =
    [
        ("January Newsletter", "What's new this January", "<h1>Happy new year</h1><p>Our plans for the year ahead.</p>", 1, """["newsletter"]""", [1]),
        ("Spring Product Launch", "Meet our new product", "<h1>It is here</h1><p>Everything about the launch.</p>", 1, """["product","launch"]""", [1, 2]),
        ("Beta Program Invite", "You're invited to the beta", "<p>Try the next release before anyone else.</p>", 2, """["beta"]""", [3]),
    ];

    public static void Insert(SqlSession session)
    {
        foreach (var list in Lists)
        {
            session.Execute(
                "INSERT INTO lists (name, type, optin, tags, description, created_at, updated_at) VALUES ($name, $type, $optin, $tags, $description, $at, $at)",
                ("$name", list.Name), ("$type", list.Type), ("$optin", list.Optin), ("$tags", list.Tags), ("$description", list.Description), ("$at", SeededAt));
        }

        foreach (var subscriber in Subscribers)
        {
            var id = session.Scalar(
                "INSERT INTO subscribers (email, name, status, attribs, created_at, updated_at) VALUES ($email, $name, $status, $attribs, $at, $at) RETURNING id",
                ("$email", subscriber.Email), ("$name", subscriber.Name), ("$status", subscriber.Status), ("$attribs", subscriber.Attribs), ("$at", SeededAt));
            foreach (var (list, status) in subscriber.Lists)
            {
                session.Execute(
                    "INSERT INTO subscriber_lists (subscriber_id, list_id, status, created_at) VALUES ($subscriber, $list, $status, $at)",
                    ("$subscriber", id), ("$list", list), ("$status", status), ("$at", SeededAt));
            }
        }

        foreach (var template in Templates)
        {
            session.Execute(
                "INSERT INTO templates (name, type, body, is_default, created_at, updated_at) VALUES ($name, $type, $body, $default, $at, $at)",
                ("$name", template.Name), ("$type", template.Type), ("$body", template.Body), ("$default", template.IsDefault), ("$at", SeededAt));
        }

        foreach (var campaign in Campaigns)
        {
            var id = session.Scalar(
                """
                INSERT INTO campaigns (name, subject, type, content_type, body, template_id, tags, status, send_at, created_at, updated_at)
                VALUES ($name, $subject, 'regular', 'richtext', $body, $template, $tags, 'draft', NULL, $at, $at) RETURNING id
                """,
                ("$name", campaign.Name), ("$subject", campaign.Subject), ("$body", campaign.Body), ("$template", campaign.Template), ("$tags", campaign.Tags), ("$at", SeededAt));
            foreach (var list in campaign.Lists)
            {
                session.Execute(
                    "INSERT INTO campaign_lists (campaign_id, list_id) VALUES ($campaign, $list)",
                    ("$campaign", id), ("$list", list));
            }
        }
    }
}
