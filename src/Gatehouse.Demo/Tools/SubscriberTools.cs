using Gatehouse.Demo.Data;

namespace Gatehouse.Demo.Tools;

/// <summary>The tools that add, change and remove subscribers.</summary>
internal sealed class SubscriberTools(SubscriberStore subscribers)
{
    public IReadOnlyDictionary<string, ToolHandler> Handlers => new Dictionary<string, ToolHandler>
    {
        ["add_subscriber"] = args => subscribers.Add(new NewSubscriber(
            args.RequiredEmail("email"),
            args.RequiredString("name"),
            args.RequiredIds("lists"),
            args.OptionalChoice("status", ListmonkValues.SubscriberStatuses) ?? "enabled",
            args.OptionalObject("attributes") ?? [],
            args.OptionalBoolean("preconfirm") ?? false)),
        ["update_subscriber"] = args =>
        {
            var id = args.RequiredId("subscriber_id");
            var changes = new SubscriberChanges(
                args.OptionalEmail("email"),
                args.OptionalString("name"),
                args.OptionalChoice("status", ListmonkValues.SubscriberStatuses),
                args.OptionalIds("lists"),
                args.OptionalObject("attributes"));
            ToolArguments.RequireAny(changes.Email, changes.Name, changes.Status, changes.Lists, changes.Attributes);
            return subscribers.Update(id, changes);
        },
        ["remove_subscriber"] = args => subscribers.Remove(args.RequiredId("subscriber_id")),
        ["change_subscriber_status"] = args => subscribers.ChangeStatus(
            args.RequiredId("subscriber_id"),
            args.RequiredChoice("status", ListmonkValues.SubscriberStatuses)),
    };
}
