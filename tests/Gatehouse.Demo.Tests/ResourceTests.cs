using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Demo.Tests;

public sealed class ResourceTests : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Theory]
    [InlineData("listmonk://subscribers", 20)]
    [InlineData("listmonk://lists", 4)]
    [InlineData("listmonk://campaigns", 3)]
    [InlineData("listmonk://templates", 4)]
    public async Task Plain_resources_return_every_row(string uri, int rows)
    {
        await using var demo = await DemoConnection.OpenAsync(_database.Path);

        var json = await demo.ReadJsonAsync(uri);

        Assert.Equal(rows, json.AsArray().Count);
    }

    [Theory]
    [InlineData("listmonk://subscriber/1", "email", "ada.lovelace@example.com")]
    [InlineData("listmonk://subscriber/email/grace.hopper@example.com", "id", "3")]
    [InlineData("listmonk://subscriber/email/grace.hopper%40example.com", "id", "3")]
    [InlineData("listmonk://campaign/2", "name", "Spring Product Launch")]
    [InlineData("listmonk://list/3", "name", "Beta Testers")]
    [InlineData("listmonk://template/3", "type", "tx")]
    public async Task Templated_resources_return_the_named_row(string uri, string field, string value)
    {
        await using var demo = await DemoConnection.OpenAsync(_database.Path);

        var json = await demo.ReadJsonAsync(uri);

        Assert.Equal(value, json[field]!.ToString());
    }

    [Fact]
    public async Task A_lists_subscribers_resource_returns_its_members()
    {
        await using var demo = await DemoConnection.OpenAsync(_database.Path);

        var members = (await demo.ReadJsonAsync("listmonk://list/3/subscribers")).AsArray();

        Assert.Equal(
            ["ada.lovelace@example.com", "grace.hopper@example.com", "margaret.hamilton@example.com", "radia.perlman@example.com", "linus.torvalds@example.com", "niklaus.wirth@example.com"],
            members.Select(member => member!["email"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Campaign_preview_is_the_campaign_body_inside_its_template()
    {
        await using var demo = await DemoConnection.OpenAsync(_database.Path);

        var contents = Assert.IsType<TextResourceContents>(Assert.Single((await demo.Client.ReadResourceAsync("listmonk://campaign/1/preview")).Contents));

        Assert.Equal("text/html", contents.MimeType);
        Assert.Contains("""<div class="wrap"><h1>Happy new year</h1>""", contents.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("template \"content\"", contents.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Template_preview_is_the_full_body()
    {
        await using var demo = await DemoConnection.OpenAsync(_database.Path);

        var contents = Assert.IsType<TextResourceContents>(Assert.Single((await demo.Client.ReadResourceAsync("listmonk://template/2/preview")).Contents));

        Assert.Equal("text/html", contents.MimeType);
        Assert.Equal("""<html><body>{{ template "content" . }}</body></html>""", contents.Text);
    }

    [Theory]
    [InlineData("listmonk://subscriber/999")]
    [InlineData("listmonk://subscriber/email/nobody@example.com")]
    [InlineData("listmonk://campaign/abc")]
    [InlineData("listmonk://nothing/here")]
    public async Task Reading_what_does_not_exist_is_a_protocol_error(string uri)
    {
        await using var demo = await DemoConnection.OpenAsync(_database.Path);

        await Assert.ThrowsAsync<McpProtocolException>(() => demo.Client.ReadResourceAsync(uri).AsTask());
    }
}
