namespace Gatehouse.Demo.Tests;

public sealed class ListAndTemplateToolTests : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Health_check_reports_healthy()
    {
        await using var demo = await DemoConnection.OpenAsync(_database.Path);

        var health = await demo.CallOkAsync("check_listmonk_health");

        Assert.Equal("healthy", health["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Mailing_lists_can_be_created_updated_and_deleted()
    {
        await using var demo = await DemoConnection.OpenAsync(_database.Path);

        var created = await demo.CallOkAsync("create_mailing_list", """{"name": "Events", "type": "private", "optin": "double", "tags": ["events"]}""");
        var id = created["id"]!.GetValue<long>();
        var updated = await demo.CallOkAsync("update_mailing_list", $$"""{"list_id": {{id}}, "description": "Meetups and conferences"}""");
        var all = await demo.CallOkAsync("get_mailing_lists");

        Assert.Equal("double", updated["optin"]!.GetValue<string>());
        Assert.Equal("Meetups and conferences", updated["description"]!.GetValue<string>());
        Assert.Equal(5, all.AsArray().Count);

        await demo.CallOkAsync("delete_mailing_list", """{"list_id": 1}""");

        Assert.Equal(4, (await demo.CallOkAsync("get_mailing_lists")).AsArray().Count);
        Assert.DoesNotContain(
            (await demo.ReadJsonAsync("listmonk://subscriber/1"))["lists"]!.AsArray(),
            list => list!["id"]!.GetValue<long>() == 1);
    }

    [Fact]
    public async Task Templates_can_be_created_made_default_and_deleted()
    {
        await using var demo = await DemoConnection.OpenAsync(_database.Path);

        var created = await demo.CallOkAsync("create_template", """{"name": "Minimal", "body": "<main>{{ template \"content\" . }}</main>"}""");
        var id = created["id"]!.GetValue<long>();
        var madeDefault = await demo.CallOkAsync("update_template", $$"""{"template_id": {{id}}, "is_default": true}""");
        var formerDefault = await demo.ReadJsonAsync("listmonk://template/1");

        Assert.True(madeDefault["is_default"]!.GetValue<bool>());
        Assert.False(formerDefault["is_default"]!.GetValue<bool>());
        Assert.True((await demo.CallAsync("delete_template", $$"""{"template_id": {{id}}}""")).IsError);

        await demo.CallOkAsync("delete_template", """{"template_id": 1}""");

        Assert.Equal(id, (await demo.ReadJsonAsync("listmonk://campaign/1"))["template_id"]!.GetValue<long>());
    }

    [Fact]
    public async Task Campaign_template_without_a_content_slot_is_refused()
    {
        await using var demo = await DemoConnection.OpenAsync(_database.Path);

        var result = await demo.CallAsync("create_template", """{"name": "Broken", "body": "<p>no slot</p>", "type": "campaign"}""");

        Assert.True(result.IsError);
        Assert.Contains("template \"content\"", DemoConnection.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Transactional_email_is_rendered_and_queued()
    {
        await using var demo = await DemoConnection.OpenAsync(_database.Path);

        var sent = await demo.CallOkAsync("send_transactional_email", """
            {"template_id": 3, "subscriber_email": "alan.turing@example.com", "data": {"reset_url": "https://example.com/reset/42"}}
            """);

        Assert.Equal(
            "<p>Hello Alan Turing,</p><p>Reset your password here: https://example.com/reset/42</p>",
            sent["body"]!.GetValue<string>());
        Assert.Equal(1, DemoMailbox.CountOutbox(_database.Path));
    }
}
