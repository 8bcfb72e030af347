using System.Text.Json.Nodes;
using Gatehouse.Demo.Data;

namespace Gatehouse.Demo.Tools;

/// <summary>The tools that read, write, schedule and send campaigns.</summary>
internal sealed class CampaignTools(CampaignStore campaigns, CampaignSender sender)
{
    public IReadOnlyDictionary<string, ToolHandler> Handlers => new Dictionary<string, ToolHandler>
    {
        ["get_campaigns"] = args =>
        {
            var status = args.OptionalChoice("status", ListmonkValues.CampaignStatuses);
            var page = Paging.Read(args);
            var (rows, total) = campaigns.Filter(status, page);
            return new JsonObject
            {
                ["page"] = page.Number,
                ["per_page"] = page.Size,
                ["total"] = total,
                ["campaigns"] = rows,
            };
        },
        ["create_campaign"] = args => campaigns.Create(new NewCampaign(
            args.RequiredString("name"),
            args.RequiredString("subject"),
            args.RequiredIds("lists"),
            args.OptionalChoice("type", ListmonkValues.CampaignTypes) ?? "regular",
            args.OptionalChoice("content_type", ListmonkValues.CampaignContentTypes) ?? "richtext",
            args.OptionalString("body") ?? "",
            args.OptionalId("template_id"),
            args.OptionalStrings("tags") ?? [])),
        ["update_campaign"] = args =>
        {
            var id = args.RequiredId("campaign_id");
            var changes = new CampaignChanges(
                args.OptionalString("name"),
                args.OptionalString("subject"),
                args.OptionalIds("lists"),
                args.OptionalString("body"),
                args.OptionalStrings("tags"));
            ToolArguments.RequireAny(changes.Name, changes.Subject, changes.Lists, changes.Body, changes.Tags);
            return campaigns.Update(id, changes);
        },
        ["send_campaign"] = args => sender.Send(args.RequiredId("campaign_id")),
        ["schedule_campaign"] = args => campaigns.Schedule(args.RequiredId("campaign_id"), args.RequiredInstant("send_at")),
    };
}
