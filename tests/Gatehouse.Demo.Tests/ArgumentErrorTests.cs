using ModelContextProtocol;

namespace Gatehouse.Demo.Tests;

public sealed class ArgumentErrorTests : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Theory]
    [InlineData("send_campaign", "{}", "'campaign_id' is required")]
    [InlineData("send_campaign", """{"campaign_id": "three"}""", "'campaign_id' must be an integer, not a string")]
    [InlineData("send_campaign", """{"campaign_id": 2.5}""", "'campaign_id' must be an integer")]
    [InlineData("send_campaign", """{"campaign_id": -1}""", "'campaign_id' must be a positive id")]
    [InlineData("send_campaign", """{"campaign_id": 99}""", "Campaign 99 does not exist")]
    [InlineData("add_subscriber", """{"email": "not-an-email", "name": "X", "lists": [1]}""", "'email' must be an email address")]
    [InlineData("add_subscriber", """{"email": "x@example.com", "name": "X", "lists": []}""", "'lists' must name at least one id")]
    [InlineData("add_subscriber", """{"email": "x@example.com", "name": "X", "lists": [1, 42]}""", "Mailing list 42 does not exist")]
    [InlineData("add_subscriber", """{"email": "x@example.com", "name": "X", "lists": ["one"]}""", "'lists' must hold positive integer ids")]
    [InlineData("add_subscriber", """{"email": "x@example.com", "name": "X", "lists": [1], "status": "vip"}""", "'status' must be one of enabled, disabled, blocklisted")]
    [InlineData("update_subscriber", """{"subscriber_id": 1}""", "Nothing to update")]
    [InlineData("change_subscriber_status", """{"subscriber_id": 1, "status": "gone"}""", "'status' must be one of")]
    [InlineData("get_list_subscribers_tool", """{"list_id": 1, "per_page": 0}""", "'per_page' must be between 1 and 1000")]
    [InlineData("get_campaigns", """{"status": "lost"}""", "'status' must be one of")]
    [InlineData("create_campaign", """{"name": "N", "subject": "S", "lists": [1], "template_id": 3}""", "Template 3 is a tx template")]
    [InlineData("schedule_campaign", """{"campaign_id": 1, "send_at": "next tuesday"}""", "'send_at' must be an ISO 8601 date")]
    [InlineData("create_mailing_list", """{"name": "   "}""", "'name' must not be empty")]
    [InlineData("create_template", """{"name": "T", "body": "<p></p>", "type": "tx", "is_default": true}""", "Only a campaign template can be the default")]
    [InlineData("send_transactional_email", """{"template_id": 1, "subscriber_email": "ada.lovelace@example.com"}""", "transactional email needs a tx template")]
    [InlineData("send_transactional_email", """{"template_id": 3, "subscriber_email": "hedy.lamarr@example.com"}""", "is blocklisted")]
    [InlineData("send_transactional_email", """{"template_id": 3, "subscriber_email": "ada.lovelace@example.com", "data": [1]}""", "'data' must be an object, not an array")]
    public async Task Bad_arguments_give_an_error_result_that_says_what_is_wrong(string tool, string arguments, string message)
    {
        await using var demo = await DemoConnection.OpenAsync(_database.Path);

        var result = await demo.CallAsync(tool, arguments);

        Assert.True(result.IsError);
        Assert.Contains(message, DemoConnection.Text(result), StringComparison.Ordinal);
        Assert.Equal(0, DemoMailbox.CountOutbox(_database.Path));
    }

    [Fact]
    public async Task Unknown_tool_is_a_protocol_error()
    {
        await using var demo = await DemoConnection.OpenAsync(_database.Path);

        await Assert.ThrowsAsync<McpProtocolException>(() => demo.CallAsync("delete_everything"));
    }

    [Fact]
    public async Task Null_optional_arguments_count_as_absent()
    {
        await using var demo = await DemoConnection.OpenAsync(_database.Path);

        var campaigns = await demo.CallOkAsync("get_campaigns", """{"status": null, "page": null}""");

        Assert.Equal(3, campaigns["total"]!.GetValue<long>());
    }
}
