namespace Gatehouse.Demo.Tests;

public sealed class PersistenceTests : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Restarting_keeps_the_data_and_does_not_seed_again()
    {
        await using (var first = await DemoConnection.OpenAsync(_database.Path))
        {
            await first.CallOkAsync("add_subscriber", """{"email": "kept@example.com", "name": "Kept", "lists": [1]}""");
            await first.CallOkAsync("send_campaign", """{"campaign_id": 3}""");
        }

        var queued = DemoMailbox.CountOutbox(_database.Path);
        await using var second = await DemoConnection.OpenAsync(_database.Path);

        var subscribers = (await second.ReadJsonAsync("listmonk://subscribers")).AsArray();
        Assert.Equal(21, subscribers.Count);
        Assert.Contains(subscribers, subscriber => subscriber!["email"]!.GetValue<string>() == "kept@example.com");
        Assert.Equal(4, (await second.ReadJsonAsync("listmonk://lists")).AsArray().Count);
        Assert.Equal("running", (await second.ReadJsonAsync("listmonk://campaign/3"))["status"]!.GetValue<string>());
        Assert.Equal(queued, DemoMailbox.CountOutbox(_database.Path));
    }

    [Fact]
    public async Task Two_servers_starting_on_one_new_file_seed_it_once()
    {
        var connections = await Task.WhenAll(
            Task.Run(() => DemoConnection.OpenAsync(_database.Path)),
            Task.Run(() => DemoConnection.OpenAsync(_database.Path)));
        try
        {
            Assert.Equal(20, (await connections[0].ReadJsonAsync("listmonk://subscribers")).AsArray().Count);
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    [Fact]
    public void Outbox_of_a_database_that_does_not_exist_is_empty_and_stays_uncreated()
    {
        Assert.Equal(0, DemoMailbox.CountOutbox(_database.Path));
        Assert.False(File.Exists(_database.Path));
    }

    [Fact]
    public async Task Seed_is_the_same_on_every_fresh_database()
    {
        using var other = new TempDatabase();
        await using var first = await DemoConnection.OpenAsync(_database.Path);
        await using var second = await DemoConnection.OpenAsync(other.Path);

        foreach (var uri in new[] { "listmonk://subscribers", "listmonk://lists", "listmonk://campaigns", "listmonk://templates" })
        {
            Assert.Equal((await first.ReadJsonAsync(uri)).ToJsonString(), (await second.ReadJsonAsync(uri)).ToJsonString());
        }
    }
}
