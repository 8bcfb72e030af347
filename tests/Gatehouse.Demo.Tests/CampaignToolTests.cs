using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Gatehouse.Demo.Tests;

public sealed class CampaignToolTests : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Sending_a_campaign_queues_one_email_per_reachable_subscriber_of_its_lists(long campaignId)
    {
        await using var demo = await DemoConnection.OpenAsync(_database.Path);
        var expected = await ReachableEmailsAsync(demo, campaignId);
        Assert.NotEmpty(expected);

        var sent = await demo.CallOkAsync("send_campaign", $$"""{"campaign_id": {{campaignId}}}""");

        Assert.Equal(expected.Count, sent["emails_queued"]!.GetValue<int>());
        Assert.Contains($"{expected.Count} emails queued", sent["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(expected.Count, DemoMailbox.CountOutbox(_database.Path));
        Assert.Equal("running", (await demo.ReadJsonAsync($"listmonk://campaign/{campaignId}"))["status"]!.GetValue<string>());

        var subject = (await demo.ReadJsonAsync($"listmonk://campaign/{campaignId}"))["subject"]!.GetValue<string>();
        var queued = ReadOutbox();
        Assert.Equal(expected.Order(StringComparer.Ordinal), queued.Select(row => row.Email).Order(StringComparer.Ordinal));
        Assert.All(queued, row =>
        {
            Assert.Equal(campaignId, row.CampaignId);
            Assert.Equal(subject, row.Subject);
            Assert.Equal("2025-03-14T15:09:26.000Z", row.QueuedAt);
        });
    }

    [Fact]
    public async Task Sending_a_campaign_again_queues_it_again()
    {
        await using var demo = await DemoConnection.OpenAsync(_database.Path);
        var first = await demo.CallOkAsync("send_campaign", """{"campaign_id": 1}""");
        var perSend = first["emails_queued"]!.GetValue<int>();

        var again = await demo.CallOkAsync("send_campaign", """{"campaign_id": 1}""");

        Assert.Equal(perSend, again["emails_queued"]!.GetValue<int>());
        Assert.Contains($"({2 * perSend} for this campaign so far)", again["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2 * perSend, DemoMailbox.CountOutbox(_database.Path));
        Assert.Equal(2 * perSend, (await demo.ReadJsonAsync("listmonk://campaign/1"))["emails_queued"]!.GetValue<long>());
    }

    [Fact]
    public async Task Created_campaign_targets_its_lists_and_can_be_updated_and_sent()
    {
        await using var demo = await DemoConnection.OpenAsync(_database.Path);

        var created = await demo.CallOkAsync("create_campaign", """
            {"name": "Staff memo", "subject": "Office closed Friday", "lists": [4], "body": "<p>See you Monday.</p>", "tags": ["internal"]}
            """);
        var id = created["id"]!.GetValue<long>();
        Assert.Equal("draft", created["status"]!.GetValue<string>());
        Assert.Equal(1, created["template_id"]!.GetValue<long>());

        var updated = await demo.CallOkAsync("update_campaign", $$"""{"campaign_id": {{id}}, "subject": "Office closed Friday and Monday"}""");
        Assert.Equal("Office closed Friday and Monday", updated["subject"]!.GetValue<string>());

        var sent = await demo.CallOkAsync("send_campaign", $$"""{"campaign_id": {{id}}}""");
        Assert.Equal(4, sent["emails_queued"]!.GetValue<int>());

        var refused = await demo.CallAsync("update_campaign", $$"""{"campaign_id": {{id}}, "subject": "Too late"}""");
        Assert.True(refused.IsError);
    }

    [Fact]
    public async Task Get_campaigns_filters_by_status_and_pages()
    {
        await using var demo = await DemoConnection.OpenAsync(_database.Path);
        await demo.CallOkAsync("send_campaign", """{"campaign_id": 2}""");

        var drafts = await demo.CallOkAsync("get_campaigns", """{"status": "draft"}""");
        var firstPage = await demo.CallOkAsync("get_campaigns", """{"page": 1, "per_page": 2}""");

        Assert.Equal([1L, 3L], drafts["campaigns"]!.AsArray().Select(campaign => campaign!["id"]!.GetValue<long>()));
        Assert.Equal(3, firstPage["total"]!.GetValue<long>());
        Assert.Equal(2, firstPage["campaigns"]!.AsArray().Count);
    }

    [Fact]
    public async Task Scheduling_needs_a_future_time()
    {
        await using var demo = await DemoConnection.OpenAsync(_database.Path);

        var past = await demo.CallAsync("schedule_campaign", """{"campaign_id": 1, "send_at": "2024-12-25T10:00:00Z"}""");
        var future = await demo.CallOkAsync("schedule_campaign", """{"campaign_id": 1, "send_at": "2025-12-25T10:00:00Z"}""");

        Assert.True(past.IsError);
        Assert.Equal("scheduled", future["status"]!.GetValue<string>());
        Assert.Equal("2025-12-25T10:00:00.000Z", future["send_at"]!.GetValue<string>());
    }

    /// <summary>Works out the audience from what the tools report, independently of the server's query.</summary>
    private static async Task<HashSet<string>> ReachableEmailsAsync(DemoConnection demo, long campaignId)
    {
        var campaign = await demo.ReadJsonAsync($"listmonk://campaign/{campaignId}");
        var emails = new HashSet<string>(StringComparer.Ordinal);
        foreach (var list in campaign["lists"]!.AsArray())
        {
            var listId = list!["id"]!.GetValue<long>();
            var doubleOptin = (await demo.ReadJsonAsync($"listmonk://list/{listId}"))["optin"]!.GetValue<string>() == "double";
            var members = await demo.CallOkAsync("get_list_subscribers_tool", $$"""{"list_id": {{listId}}, "per_page": 1000}""");
            emails.UnionWith(members["subscribers"]!.AsArray()
                .Where(member => Reachable(member!, doubleOptin))
                .Select(member => member!["email"]!.GetValue<string>()));
        }

        return emails;
    }

    private static bool Reachable(JsonNode member, bool doubleOptin)
    {
        var subscription = member["subscription_status"]!.GetValue<string>();
        return member["status"]!.GetValue<string>() == "enabled"
            && subscription != "unsubscribed"
            && (!doubleOptin || subscription == "confirmed");
    }

    private List<(long? CampaignId, string Email, string Subject, string QueuedAt)> ReadOutbox()
    {
        using var connection = new SqliteConnection($"Data Source={_database.Path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT campaign_id, subscriber_email, subject, queued_at FROM outbox";
        using var reader = command.ExecuteReader();
        var rows = new List<(long?, string, string, string)>();
        while (reader.Read())
        {
            rows.Add((reader.IsDBNull(0) ? null : reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        }

        return rows;
    }
}
