namespace Gatehouse.Demo.Data;

/// <summary>The words Listmonk accepts for its enumerated fields.</summary>
internal static class ListmonkValues
{
    public static readonly string[] SubscriberStatuses = ["enabled", "disabled", "blocklisted"];
    public static readonly string[] ListTypes = ["public", "private"];
    public static readonly string[] OptinTypes = ["single", "double"];
    public static readonly string[] CampaignTypes = ["regular", "optin"];
    public static readonly string[] CampaignContentTypes = ["richtext", "html", "markdown", "plain"];
    public static readonly string[] CampaignStatuses = ["draft", "scheduled", "running", "paused", "finished", "cancelled"];
    public static readonly string[] TemplateTypes = ["campaign", "tx"];
    public static readonly string[] TransactionalContentTypes = ["html", "plain"];

    /// <summary>Listmonk only schedules or edits campaigns that have not gone out yet.</summary>
    public static readonly string[] UnsentCampaignStatuses = ["draft", "scheduled", "paused"];

    public const string Blocklisted = "blocklisted";
    public const string Unsubscribed = "unsubscribed";
}
