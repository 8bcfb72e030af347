using Gatehouse.Configuration;
using Gatehouse.Hosting;
using Gatehouse.Testing;
using Microsoft.Extensions.Configuration;

namespace Gatehouse.Tests.Audit;

/// <summary>What the host watches in the configuration's directory, where the audit log's database is by default.</summary>
public sealed class ConfigurationWatchTests
{
    [Fact]
    public async Task The_host_reads_its_settings_files_once_and_watches_none_of_them()
    {
        using var directory = new TestDirectory();
        var path = GatewayConfigFile.Write(directory, Upstreams.Servers(("test", Upstreams.Http(new Uri("http://127.0.0.1:9/mcp")))));
        await using var app = GatewayApplication.Build(GatehouseConfigLoader.Load(path), listen: "http://127.0.0.1:0");

        var files = ((IConfigurationBuilder)app.Configuration).Sources.OfType<FileConfigurationSource>().ToList();

        // A watch would cover the whole directory, data directory included: every audit commit would wake it.
        Assert.NotEmpty(files);
        Assert.All(files, file => Assert.False(file.ReloadOnChange, $"{file.Path} is watched"));
    }
}
