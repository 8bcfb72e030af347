using Gatehouse.Policy;

namespace Gatehouse.Configuration.Tests;

public sealed class ToolClassesTests
{
    private static string Server(string toolClasses) =>
        $$"""{ "mcpServers": { "s": { "command": "x", "toolClasses": {{toolClasses}} } } }""";

    [Fact]
    public void An_operator_sets_a_tools_class_with_a_reason()
    {
        var config = TestConfig.Parse(Server("""{ "send_transactional_email": { "category": "execute", "risk": "critical", "reason": "Our receipts go to paying customers." } }"""));

        var toolClass = config.McpServers["s"].ToolClasses["send_transactional_email"];
        Assert.Equal(new ToolClassOverride(ToolCategory.Execute, ToolRisk.Critical, "Our receipts go to paying customers."), toolClass);
    }

    [Fact]
    public void A_server_without_overrides_has_none() =>
        Assert.Empty(TestConfig.Parse("""{ "mcpServers": { "s": { "command": "x" } } }""").McpServers["s"].ToolClasses);

    [Theory]
    [InlineData("""{ "t": { "category": "dangerous", "risk": "high" } }""", "mcpServers.s.toolClasses.t.category", "expected one of: read, write, execute, destructive, admin")]
    [InlineData("""{ "t": { "category": "read", "risk": "extreme" } }""", "mcpServers.s.toolClasses.t.risk", "expected one of: low, medium, high, critical")]
    [InlineData("""{ "t": { "category": "Read", "risk": "low" } }""", "mcpServers.s.toolClasses.t.category", "expected one of")]
    [InlineData("""{ "t": { "risk": "low" } }""", "mcpServers.s.toolClasses.t.category", "is required")]
    [InlineData("""{ "t": { "category": "read" } }""", "mcpServers.s.toolClasses.t.risk", "is required")]
    [InlineData("""{ "t": { "category": "read", "risk": "low", "why": "x" } }""", "mcpServers.s.toolClasses.t.why", "unknown field")]
    [InlineData("""{ "t": "read" }""", "mcpServers.s.toolClasses.t", "expected an object")]
    [InlineData("""{ "t": { "category": "read", "risk": "low", "reason": "" } }""", "mcpServers.s.toolClasses.t.reason", "must not be empty")]
    [InlineData("""["t"]""", "mcpServers.s.toolClasses", "an object")]
    public void A_mistake_names_its_field(string toolClasses, string field, string message)
    {
        var error = Assert.Single(TestConfig.Errors(Server(toolClasses)), e => e.Field == field);

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
