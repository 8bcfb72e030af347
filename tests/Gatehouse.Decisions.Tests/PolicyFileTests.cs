using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Decisions.Tests;

public sealed class PolicyFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gatehouse-policy-").FullName;
    private readonly FakeTimeProvider _time = new();

    private string PolicyPath => Path.Combine(_directory, "policy.json");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_saved_edit_is_in_force_at_the_next_poll()
    {
        File.WriteAllText(PolicyPath, """{ "version": "1", "default": "deny" }""");
        using var policy = PolicyFile.Load(PolicyPath, _time, NullLogger.Instance);
        Assert.False(policy.Current.IsToolVisible("echo"));

        WriteChanged("""{ "version": "1", "default": "allow" }""");
        _time.Advance(TimeSpan.FromMilliseconds(250));

        Assert.True(policy.Current.IsToolVisible("echo"));
    }

    [Fact]
    public void An_edit_that_does_not_compile_leaves_the_policy_in_force()
    {
        File.WriteAllText(PolicyPath, """{ "version": "1", "default": "allow" }""");
        using var policy = PolicyFile.Load(PolicyPath, _time, NullLogger.Instance);
        var inForce = policy.Current;

        WriteChanged("""{ "version": "1", "default": "allow", "tools": { "x": { "action": "sometimes" } } }""");
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Same(inForce, policy.Current);
    }

    [Fact]
    public void A_deleted_file_leaves_the_policy_in_force()
    {
        File.WriteAllText(PolicyPath, """{ "version": "1", "default": "allow" }""");
        using var policy = PolicyFile.Load(PolicyPath, _time, NullLogger.Instance);
        var inForce = policy.Current;

        File.Delete(PolicyPath);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Same(inForce, policy.Current);
    }

    [Fact]
    public void Loading_an_invalid_policy_names_the_file_line_and_column()
    {
        File.WriteAllText(PolicyPath, "{ \"version\": \"1\",\n  \"default\": \"maybe\" }");

        var error = Assert.Throws<PolicyLoadException>(() => PolicyFile.Load(PolicyPath, _time, NullLogger.Instance));

        Assert.StartsWith($"{PolicyPath}:2:", Assert.Single(error.Errors));
    }

    [Fact]
    public void Loading_a_missing_file_is_a_clear_error()
    {
        var error = Assert.Throws<PolicyLoadException>(() => PolicyFile.Load(PolicyPath, _time, NullLogger.Instance));

        Assert.Contains("cannot be read", error.Message);
    }

    private void WriteChanged(string text)
    {
        File.WriteAllText(PolicyPath, text);
        // Coarse file-system clocks could give the edit its predecessor's stamp; the test is about reloading.
        File.SetLastWriteTimeUtc(PolicyPath, File.GetLastWriteTimeUtc(PolicyPath).AddSeconds(1));
    }
}
