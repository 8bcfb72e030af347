using System.Text.Json.Nodes;
using Gatehouse.Demo.Data;

namespace Gatehouse.Demo.Tools;

/// <summary>The tools that read and manage mailing lists and their subscribers.</summary>
internal sealed class MailingListTools(MailingListStore lists, SubscriberStore subscribers)
{
    public IReadOnlyDictionary<string, ToolHandler> Handlers => new Dictionary<string, ToolHandler>
    {
        ["get_mailing_lists"] = _ => lists.All(),
        ["create_mailing_list"] = args => lists.Create(new NewMailingList(
            args.RequiredString("name"),
            args.OptionalChoice("type", ListmonkValues.ListTypes) ?? "public",
            args.OptionalChoice("optin", ListmonkValues.OptinTypes) ?? "single",
            args.OptionalStrings("tags") ?? [],
            args.OptionalString("description") ?? "")),
        ["update_mailing_list"] = args =>
        {
            var id = args.RequiredId("list_id");
            var changes = new MailingListChanges(
                args.OptionalString("name"),
                args.OptionalChoice("type", ListmonkValues.ListTypes),
                args.OptionalChoice("optin", ListmonkValues.OptinTypes),
                args.OptionalStrings("tags"),
                args.OptionalString("description"));
            ToolArguments.RequireAny(changes.Name, changes.Type, changes.Optin, changes.Tags, changes.Description);
            return lists.Update(id, changes);
        },
        ["delete_mailing_list"] = args => lists.Delete(args.RequiredId("list_id")),
        ["get_list_subscribers_tool"] = args =>
        {
            var listId = args.RequiredId("list_id");
            var page = Paging.Read(args);
            var (rows, total) = subscribers.OfList(listId, page);
            return new JsonObject
            {
                ["list_id"] = listId,
                ["page"] = page.Number,
                ["per_page"] = page.Size,
                ["total"] = total,
                ["subscribers"] = rows,
            };
        },
    };
}
