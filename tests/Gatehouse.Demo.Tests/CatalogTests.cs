using System.Text.Json.Nodes;

namespace Gatehouse.Demo.Tests;

public sealed class CatalogTests : IDisposable
{
    private readonly TempDatabase _database = new();
    private readonly JsonObject _file = ListmonkFile.Load();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Server_is_named_as_in_the_file()
    {
        await using var demo = await DemoConnection.OpenAsync(_database.Path);

        Assert.Equal(_file["server"]?["name"]?.GetValue<string>(), demo.Client.ServerInfo?.Name);
    }

    [Fact]
    public async Task Tools_list_is_exactly_the_files_tools_with_identical_descriptions_and_schemas()
    {
        await using var demo = await DemoConnection.OpenAsync(_database.Path);

        var tools = await demo.Client.ListToolsAsync();
        var expected = _file["tools"]!.AsArray();

        Assert.Equal(19, expected.Count);
        Assert.Equal(expected.Select(tool => tool!["name"]!.GetValue<string>()), tools.Select(tool => tool.Name));
        foreach (var (want, got) in expected.Zip(tools))
        {
            Assert.Equal(want!["description"]!.GetValue<string>(), got.Description);
            var schema = JsonNode.Parse(got.ProtocolTool.InputSchema.GetRawText());
            Assert.True(JsonNode.DeepEquals(want["inputSchema"], schema), $"{got.Name}: schema differs: {schema}");
            Assert.Null(got.ProtocolTool.Annotations);
            Assert.Null(got.ProtocolTool.Title);
            Assert.Null(got.ProtocolTool.OutputSchema);
        }
    }

    [Fact]
    public async Task Resources_and_templates_are_exactly_the_files_twelve()
    {
        await using var demo = await DemoConnection.OpenAsync(_database.Path);

        var resources = await demo.Client.ListResourcesAsync();
        var templates = await demo.Client.ListResourceTemplatesAsync();
        var expected = _file["resources"]!.AsArray();

        Assert.Equal(12, resources.Count + templates.Count);
        Assert.Equal(
            expected.Where(entry => entry!["uri"] is not null).Select(entry => (entry!["uri"]!.GetValue<string>(), entry["description"]!.GetValue<string>())),
            resources.Select(resource => (resource.Uri, resource.Description!)));
        Assert.Equal(
            expected.Where(entry => entry!["uriTemplate"] is not null).Select(entry => (entry!["uriTemplate"]!.GetValue<string>(), entry["description"]!.GetValue<string>())),
            templates.Select(template => (template.UriTemplate, template.Description!)));
        Assert.All(templates, template => Assert.Contains('{', template.UriTemplate));
        Assert.All(resources, resource => Assert.DoesNotContain('{', resource.Uri));
    }
}
