namespace Gatehouse.Catalog.Tests.Classification;

/// <summary>
/// The Listmonk server's 19 tools, which carry no annotations: the classes an operator of a mailing list
/// expects, from names, descriptions and schemas alone.
/// </summary>
public sealed class ListmonkClassificationTests
{
    /// <summary>Every tool's class, pinned: a change to the classifier that moves one must be a decision.</summary>
    public static TheoryData<string, string> Expected => new()
    {
        { "check_listmonk_health", "read, low" },
        { "add_subscriber", "write, medium" },
        { "update_subscriber", "write, medium" },
        { "remove_subscriber", "destructive, high" },
        { "change_subscriber_status", "write, medium" },
        { "get_mailing_lists", "read, low" },
        { "create_mailing_list", "write, medium" },
        { "update_mailing_list", "write, medium" },
        { "delete_mailing_list", "destructive, high" },
        { "get_list_subscribers_tool", "read, low" },
        { "get_campaigns", "read, low" },
        { "create_campaign", "write, medium" },
        { "update_campaign", "write, medium" },
        { "send_campaign", "execute, high" },
        { "schedule_campaign", "execute, high" },
        { "create_template", "write, medium" },
        { "update_template", "write, medium" },
        { "delete_template", "destructive, high" },
        { "send_transactional_email", "execute, medium" },
    };

    [Theory]
    [MemberData(nameof(Expected))]
    public void Each_tool_gets_its_class_and_a_rationale_that_ends_with_it(string name, string expected)
    {
        var classification = ToolClassifier.Classify(Tools.Listmonk().Single(tool => tool.Name == name));

        Assert.Equal(expected, Tools.Class(classification));
        Assert.EndsWith($" → {expected}", classification.Rationale);
        Assert.True(classification.Rationale.Length > $" → {expected}".Length + 10, classification.Rationale);
    }

    [Fact]
    public void Every_tool_in_the_file_is_pinned()
    {
        var pinned = Expected.Select(row => (string)row[0]).Order(StringComparer.Ordinal);

        Assert.Equal(pinned, Tools.Listmonk().Select(tool => tool.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_rules_of_the_issue_hold_for_every_tool()
    {
        foreach (var tool in Tools.Listmonk())
        {
            var classification = ToolClassifier.Classify(tool);
            if (tool.Name.StartsWith("get_", StringComparison.Ordinal) || tool.Name.StartsWith("check_", StringComparison.Ordinal))
            {
                Assert.Equal("read, low", Tools.Class(classification));
            }

            if (tool.Name.StartsWith("delete_", StringComparison.Ordinal))
            {
                Assert.Equal(Policy.ToolCategory.Destructive, classification.Category);
            }
        }
    }

    [Fact]
    public void Sending_a_campaign_names_the_send_and_its_audience()
    {
        var classification = ToolClassifier.Classify(Tools.Listmonk().Single(tool => tool.Name == "send_campaign"));

        Assert.Contains("verb 'send' in the name", classification.Rationale);
        Assert.Contains("noun 'campaign' in the name", classification.Rationale);
    }

    [Fact]
    public void A_transactional_email_reaches_fewer_people_than_a_campaign()
    {
        var tools = Tools.Listmonk();
        var email = ToolClassifier.Classify(tools.Single(tool => tool.Name == "send_transactional_email"));
        var campaign = ToolClassifier.Classify(tools.Single(tool => tool.Name == "send_campaign"));

        Assert.Equal(campaign.Category, email.Category);
        Assert.True(email.Risk < campaign.Risk);
    }
}
