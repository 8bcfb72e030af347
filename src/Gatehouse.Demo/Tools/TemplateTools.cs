using Gatehouse.Demo.Data;

namespace Gatehouse.Demo.Tools;

/// <summary>The tools that manage templates and send transactional email with them.</summary>
internal sealed class TemplateTools(TemplateStore templates, TransactionalMailer mailer)
{
    public IReadOnlyDictionary<string, ToolHandler> Handlers => new Dictionary<string, ToolHandler>
    {
        ["create_template"] = args => templates.Create(new NewTemplate(
            args.RequiredString("name"),
            args.RequiredString("body"),
            args.OptionalChoice("type", ListmonkValues.TemplateTypes) ?? "campaign",
            args.OptionalBoolean("is_default") ?? false)),
        ["update_template"] = args =>
        {
            var id = args.RequiredId("template_id");
            var changes = new TemplateChanges(args.OptionalString("name"), args.OptionalString("body"), args.OptionalBoolean("is_default"));
            ToolArguments.RequireAny(changes.Name, changes.Body, changes.IsDefault);
            return templates.Update(id, changes);
        },
        ["delete_template"] = args => templates.Delete(args.RequiredId("template_id")),
        ["send_transactional_email"] = args => mailer.Send(
            args.RequiredId("template_id"),
            args.RequiredEmail("subscriber_email"),
            args.OptionalObject("data") ?? [],
            args.OptionalChoice("content_type", ListmonkValues.TransactionalContentTypes) ?? "html"),
    };
}
