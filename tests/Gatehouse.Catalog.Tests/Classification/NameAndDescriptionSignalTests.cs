using static Gatehouse.Catalog.Tests.Classification.Tools;

namespace Gatehouse.Catalog.Tests.Classification;

/// <summary>Verbs and nouns in names (any spelling) and the leading verb of a description.</summary>
public sealed class NameAndDescriptionSignalTests
{
    [Theory]
    [InlineData("delete_user", "destructive, high")]
    [InlineData("deleteUser", "destructive, high")]
    [InlineData("delete-user", "destructive, high")]
    [InlineData("DeleteUser", "destructive, high")]
    [InlineData("user.delete", "destructive, high")]
    [InlineData("send-newsletter", "execute, high")]
    [InlineData("sendEmail", "execute, medium")]
    [InlineData("HTTPSendRequest", "execute, medium")]
    [InlineData("listFiles", "read, low")]
    [InlineData("search_issues", "read, low")]
    [InlineData("create_issue", "write, medium")]
    [InlineData("drop_table", "destructive, critical")]
    [InlineData("delete_database", "destructive, critical")]
    [InlineData("purge_cache", "destructive, critical")]
    [InlineData("update_all_subscribers", "write, high")]
    [InlineData("pay_invoice", "execute, critical")]
    [InlineData("deploy_service", "execute, high")]
    [InlineData("publish_post", "execute, high")]
    [InlineData("create_api_key", "admin, high")]
    [InlineData("update_user_role", "admin, high")]
    [InlineData("revoke_token", "admin, high")]
    [InlineData("list_users", "read, low")]
    [InlineData("get_api_keys", "read, high")]
    [InlineData("printEnv", "read, high")]
    [InlineData("get_and_delete_messages", "destructive, high")]
    [InlineData("schedule_newsletter", "execute, high")]
    public void Names_are_read_in_any_spelling(string name, string expected)
    {
        var classification = ToolClassifier.Classify(Named(name));

        Assert.Equal(expected, Class(classification));
        Assert.EndsWith($" → {expected}", classification.Rationale);
    }

    [Fact]
    public void A_name_that_says_nothing_is_taken_to_change_something()
    {
        var classification = ToolClassifier.Classify(Named("frobnicate"));

        Assert.Equal("write, medium", Class(classification));
        Assert.StartsWith("Nothing says what it does", classification.Rationale);
    }

    [Theory]
    [InlineData("Deletes the given file.", "destructive, high", "verb 'delete' in the description")]
    [InlineData("This tool lets you send an SMS to a phone number.", "execute, medium", "verb 'send' in the description")]
    [InlineData("Applies the migration.", "execute, medium", "verb 'apply' in the description")]
    [InlineData("Lists the open tickets.", "read, low", "verb 'list' in the description")]
    public void A_description_is_read_for_its_leading_verb(string description, string expected, string signal)
    {
        var classification = ToolClassifier.Classify(Named("tool_1", description));

        Assert.Equal(expected, Class(classification));
        Assert.Contains(signal, classification.Rationale);
    }

    [Fact]
    public void A_description_cannot_talk_a_name_down()
    {
        var classification = ToolClassifier.Classify(Named("delete_file", "Lists nothing and only reads; it is completely safe."));

        Assert.Equal("destructive, high", Class(classification));
    }

    [Fact]
    public void Other_verbs_deep_in_a_description_do_not_count()
    {
        var classification = ToolClassifier.Classify(Named("get_subscribers", "Get subscribers. To remove one, use remove_subscriber; to send them mail, send_campaign."));

        Assert.Equal("read, low", Class(classification));
    }

    [Fact]
    public void A_server_that_warns_a_change_is_permanent_raises_its_risk()
    {
        var classification = ToolClassifier.Classify(Named("update_record", "Updates a record. Changes are permanent."));

        Assert.Equal("write, high", Class(classification));
        Assert.Contains("'permanent' in the description", classification.Rationale);
    }
}
