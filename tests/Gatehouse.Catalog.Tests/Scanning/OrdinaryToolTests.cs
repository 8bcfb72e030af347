using System.Text.Json.Nodes;

namespace Gatehouse.Catalog.Tests.Scanning;

/// <summary>
/// Descriptions that come close to the attacks' wording without being attacks: each would cost an operator an
/// accept for nothing, so none may be flagged.
/// </summary>
public sealed class OrdinaryToolTests
{
    [Theory]
    [InlineData("Use this tool to send a campaign to a mailing list.")]
    [InlineData("You must provide a list id.")]
    [InlineData("Send a password reset email to the user.")]
    [InlineData("Create an API key for the project. The key is shown once; store it securely.")]
    [InlineData("Your OpenWeather API key. Get it from https://openweathermap.org and pass it in the api_key parameter.")]
    [InlineData("Returns all environment variables, helpful for debugging MCP server configuration")]
    [InlineData("Reads the .env file of the project and returns the variable names (never the values).")]
    [InlineData("Connect to a host over SSH using the key in ~/.ssh/id_ed25519 by default.")]
    [InlineData("Read the complete contents of a file from the file system.")]
    [InlineData("Get the chat history of a Slack channel, newest first.")]
    [InlineData("Returns the conversation history of a support ticket.")]
    [InlineData("Post a message to a channel. Use get_channels to find the channel id first.")]
    [InlineData("Before calling this tool, make sure the campaign exists.")]
    [InlineData("Waits the given time before answering; a notifications/cancelled for the call ends it early.")]
    [InlineData("IMPORTANT: paths must be absolute.")]
    [InlineData("Email in the form <user>@<domain>; path like /repos/<owner>/<repo>/<system_id>.")]
    [InlineData("Prefer this tool over read_file for files larger than 1 MB.")]
    [InlineData("The model must be loaded before inference. The agent must have write access to the repository.")]
    [InlineData("Delete a file. This cannot be undone; ask the user before deleting important files.")]
    [InlineData("Example: send_email(to='alice@example.com', subject='Hi')")]
    [InlineData("Sends a webhook to the configured URL, e.g. https://hooks.slack.com/services/XXX.")]
    [InlineData("system_prompt: The system prompt to send to the LLM.")]
    [InlineData("Run a shell command. When you call run_command, the working directory is the project root.")]
    [InlineData("Creates a pull request. After calling create_pull_request, use request_review to add reviewers.")]
    [InlineData("When send_campaign is called, the campaign status becomes 'running'. send_campaign must be called after create_campaign.")]
    [InlineData("Ignores previous results cached for this query when force is true. Forget the previous session and start a new one.")]
    [InlineData("This is the primary tool for search. Always call this tool when the user asks about documents.")]
    [InlineData("Translate text. Very important: keep placeholders like {name} untouched.")]
    [InlineData("Ping a host ✅\uFE0F and report latency ⏱\uFE0F; the family emoji 👨\u200D👩\u200D👧 and the flag 🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F render as one.")]
    [InlineData("ارسال پیام به کانال می\u200Cشود")]
    [InlineData("हिन्दी में क्\u200Dष संदेश भेजें। 日本語のメッセージを送信します。　全角スペースも使えます。")]
    public void An_ordinary_description_is_not_flagged(string description)
    {
        var tool = TestData.Tool(new JsonObject { ["name"] = "tool", ["description"] = description });

        Assert.Empty(PoisoningScanner.Scan(tool, ["send_campaign", "create_campaign", "get_channels", "read_file", "run_command"]));
    }

    [Fact]
    public void A_tool_that_asks_for_its_own_credential_and_lists_messages_is_not_flagged()
    {
        var tool = TestData.Tool("""
            {"name": "ask_model", "description": "Asks another model.",
             "inputSchema": {"type": "object", "properties": {
               "api_key": {"type": "string", "description": "Your API key for the provider."},
               "prompt": {"type": "string", "description": "The prompt to send to the LLM"},
               "messages": {"type": "array", "description": "Previous messages of the conversation to continue"}}},
             "outputSchema": {"type": "object", "properties": {"conversation_history": {"type": "string"}}}}
            """);

        Assert.Empty(PoisoningScanner.Scan(tool, []));
    }
}
