using System.Text.Json.Nodes;

namespace Gatehouse.Demo.Data;

/// <summary>Transactional email: one message from a tx template to one existing subscriber, into the outbox.</summary>
internal sealed class TransactionalMailer(DemoDatabase database, TimeProvider time)
{
    public JsonObject Send(long templateId, string email, JsonObject data, string contentType) => database.Write(session =>
    {
        var template = TemplateStore.Find(session, templateId);
        if (template["type"]!.GetValue<string>() != "tx")
        {
            throw new DemoInputException($"Template {templateId} is a {template["type"]} template; transactional email needs a tx template.");
        }

        var subscriber = session.Single(
            "SELECT name, email, status FROM subscribers WHERE email = $email",
            row => (Name: row.Text("name"), Email: row.Text("email"), Status: row.Text("status")),
            ("$email", email));
        if (subscriber == default)
        {
            throw new DemoNotFoundException($"No subscriber has the email address '{email}'; transactional email goes to subscribers only.");
        }

        if (subscriber.Status == ListmonkValues.Blocklisted)
        {
            throw new DemoInputException($"Subscriber '{email}' is blocklisted and receives no email.");
        }

        // The template's name stands in for a subject: the create_template tool takes none.
        var subject = template["name"]!.GetValue<string>();
        Outbox.Enqueue(session, campaignId: null, templateId, subscriber.Email, subject, Timestamps.Format(time.GetUtcNow()));
        return new JsonObject
        {
            ["message"] = $"Transactional email '{subject}' queued for {subscriber.Email}.",
            ["template_id"] = templateId,
            ["subscriber_email"] = subscriber.Email,
            ["content_type"] = contentType,
            ["body"] = TemplateRenderer.RenderTransactional(template["body"]!.GetValue<string>(), subscriber.Name, subscriber.Email, data),
        };
    });
}
