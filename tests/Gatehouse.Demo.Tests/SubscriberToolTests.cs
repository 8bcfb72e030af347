namespace Gatehouse.Demo.Tests;

public sealed class SubscriberToolTests : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Added_subscriber_can_be_read_back()
    {
        await using var demo = await DemoConnection.OpenAsync(_database.Path);

        var added = await demo.CallOkAsync("add_subscriber", """
            {"email": "new.person@example.com", "name": "New Person", "lists": [1, 2], "attributes": {"plan": "pro"}}
            """);
        var id = added["id"]!.GetValue<long>();

        var read = await demo.ReadJsonAsync($"listmonk://subscriber/{id}");
        Assert.Equal("new.person@example.com", read["email"]!.GetValue<string>());
        Assert.Equal("New Person", read["name"]!.GetValue<string>());
        Assert.Equal("enabled", read["status"]!.GetValue<string>());
        Assert.Equal("pro", read["attribs"]!["plan"]!.GetValue<string>());
        Assert.Equal(DemoConnection.Now.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture), read["created_at"]!.GetValue<string>());

        // Single opt-in confirms at once; double opt-in waits for the subscriber unless preconfirmed.
        Assert.Equal(
            ["1:confirmed", "2:unconfirmed"],
            read["lists"]!.AsArray().Select(list => $"{list!["id"]}:{list["subscription_status"]}"));

        var members = await demo.CallOkAsync("get_list_subscribers_tool", """{"list_id": 1, "per_page": 100}""");
        Assert.Contains(members["subscribers"]!.AsArray(), member => member!["id"]!.GetValue<long>() == id);
    }

    [Fact]
    public async Task Adding_an_existing_email_is_refused()
    {
        await using var demo = await DemoConnection.OpenAsync(_database.Path);

        var result = await demo.CallAsync("add_subscriber", """{"email": "Ada.Lovelace@example.com", "name": "Ada again", "lists": [1]}""");

        Assert.True(result.IsError);
        Assert.Contains("already exists", DemoConnection.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_changes_only_the_given_fields_and_replaces_lists()
    {
        await using var demo = await DemoConnection.OpenAsync(_database.Path);

        var updated = await demo.CallOkAsync("update_subscriber", """{"subscriber_id": 1, "name": "Augusta Ada King", "lists": [4]}""");

        Assert.Equal("Augusta Ada King", updated["name"]!.GetValue<string>());
        Assert.Equal("ada.lovelace@example.com", updated["email"]!.GetValue<string>());
        Assert.Equal([4L], updated["lists"]!.AsArray().Select(list => list!["id"]!.GetValue<long>()));
    }

    [Fact]
    public async Task Blocklisting_unsubscribes_from_every_list()
    {
        await using var demo = await DemoConnection.OpenAsync(_database.Path);

        var changed = await demo.CallOkAsync("change_subscriber_status", """{"subscriber_id": 1, "status": "blocklisted"}""");

        Assert.Equal("blocklisted", changed["status"]!.GetValue<string>());
        Assert.All(changed["lists"]!.AsArray(), list => Assert.Equal("unsubscribed", list!["subscription_status"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Removed_subscriber_is_gone()
    {
        await using var demo = await DemoConnection.OpenAsync(_database.Path);

        await demo.CallOkAsync("remove_subscriber", """{"subscriber_id": 2}""");

        Assert.Equal(19, (await demo.ReadJsonAsync("listmonk://subscribers")).AsArray().Count);
        Assert.True((await demo.CallAsync("remove_subscriber", """{"subscriber_id": 2}""")).IsError);
    }
}
