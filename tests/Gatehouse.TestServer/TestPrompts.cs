using System.ComponentModel;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Gatehouse.TestServer;

/// <summary>The prompts the conformance suite gets by name.</summary>
[McpServerPromptType]
public static class TestPrompts
{
    [McpServerPrompt(Name = "test_simple_prompt"), Description("A prompt without arguments.")]
    public static PromptMessage SimplePrompt() =>
        new() { Role = Role.User, Content = new TextContentBlock { Text = "This is a simple prompt for testing." } };

    [McpServerPrompt(Name = "test_prompt_with_arguments"), Description("A prompt that substitutes two arguments.")]
    public static PromptMessage PromptWithArguments(
        [Description("First test argument")] string arg1,
        [Description("Second test argument")] string arg2) =>
        new() { Role = Role.User, Content = new TextContentBlock { Text = $"Prompt with arguments: arg1='{arg1}', arg2='{arg2}'" } };

    [McpServerPrompt(Name = "test_prompt_with_embedded_resource"), Description("A prompt that embeds a resource.")]
    public static PromptMessage[] PromptWithEmbeddedResource([Description("URI of the resource to embed")] string resourceUri) =>
    [
        new()
        {
            Role = Role.User,
            Content = new EmbeddedResourceBlock
            {
                Resource = new TextResourceContents { Uri = resourceUri, MimeType = "text/plain", Text = "Embedded resource content for testing." },
            },
        },
        new() { Role = Role.User, Content = new TextContentBlock { Text = "Please process the embedded resource above." } },
    ];

    [McpServerPrompt(Name = "test_prompt_with_image"), Description("A prompt that carries an image.")]
    public static PromptMessage[] PromptWithImage() =>
    [
        new() { Role = Role.User, Content = ImageContentBlock.FromBytes(TestMedia.Png, "image/png") },
        new() { Role = Role.User, Content = new TextContentBlock { Text = "Please analyze the image above." } },
    ];
}
