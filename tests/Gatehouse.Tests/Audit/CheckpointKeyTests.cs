using Gatehouse.Configuration;
using Gatehouse.Hosting;
using Gatehouse.Testing;

namespace Gatehouse.Tests.Audit;

public sealed class CheckpointKeyTests
{
    [Fact]
    public void Without_a_configured_key_one_is_made_once_in_the_data_directory_for_its_owner_only()
    {
        using var directory = new TestDirectory();
        var config = new GatehouseConfig { ConfigPath = directory.File("gatehouse.json"), DataDir = directory.File("data") };

        var first = AuditServices.CheckpointKey(config);
        var second = AuditServices.CheckpointKey(config);

        Assert.Equal(first, second);
        Assert.True(first.Length >= 32);
        var file = Path.Combine(config.DataDir, AuditServices.CheckpointKeyFileName);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        Assert.Empty(Directory.GetFiles(config.DataDir, "*.tmp"));
    }

    [Fact]
    public void A_configured_key_is_used_and_no_file_is_made()
    {
        using var directory = new TestDirectory();
        var config = new GatehouseConfig
        {
            ConfigPath = directory.File("gatehouse.json"),
            DataDir = directory.File("data"),
            Audit = new AuditConfig { CheckpointKey = "the operator's own key" },
        };

        Assert.Equal("the operator's own key"u8.ToArray(), AuditServices.CheckpointKey(config));
        Assert.False(Directory.Exists(config.DataDir));
    }
}
