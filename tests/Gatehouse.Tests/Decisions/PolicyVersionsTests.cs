using Gatehouse.Audit;
using Gatehouse.Decisions;
using Gatehouse.Tests.Relay;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Tests.Decisions;

/// <summary>
/// Saving a grant's policy as the console's builder does: only text that compiles is written, each version is kept with
/// who saved it, each save is audited and in force at once, and an older version can be put back.
/// </summary>
public sealed class PolicyVersionsTests : TestServerGatewayTests
{
    private const string DenyEcho = """{ "version": "1", "default": "allow", "tools": { "echo": "deny" } }""";

    private PolicyVersions Versions => Gateway.Services.GetRequiredService<PolicyVersions>();

    [Fact]
    public async Task Text_that_does_not_compile_is_not_written_and_the_errors_say_where()
    {
        var before = Versions.Read("test").Text;

        var save = await Versions.SaveAsync("test", """{ "version": "1", "default": "sometimes" }""", "ops", default);

        Assert.False(save.Saved);
        Assert.Contains(save.Errors, e => e.Path == "default" && e.Line == 1);
        Assert.Equal(before, Versions.Read("test").Text);
        Assert.Empty(Versions.List("test"));
    }

    [Fact]
    public async Task A_save_is_in_force_at_once_kept_with_who_saved_it_audited_and_can_be_reverted()
    {
        var original = Versions.Read("test").Text;

        var save = await Versions.SaveAsync("test", DenyEcho, "ops", default);

        Assert.True(save.Saved);
        Assert.Equal(DenyEcho, File.ReadAllText(Versions.Read("test").Path));
        await using (var client = await Gateway.ConnectAsync("test"))
        {
            Assert.DoesNotContain(await client.ListToolsAsync(), t => t.Name == "echo");
        }

        var versions = Versions.List("test");
        Assert.Equal([2, 1], versions.Select(v => v.Number));
        Assert.Equal(("ops", DenyEcho), (versions[0].By, versions[0].Text));
        Assert.Equal((PolicyVersions.BeforeFirstSave, original), (versions[1].By, versions[1].Text));
        var page = await Gateway.Services.GetRequiredService<IAuditStore>().QueryAsync(new AuditQuery { Kind = AuditKinds.Admin }, default);
        Assert.Contains(page.Records, r => r.Event.Decision == "policy_saved" && r.Event.Identity == "ops" && r.Event.Grant == "test");

        var revert = await Versions.RevertAsync("test", 1, "carol", default);

        Assert.True(revert.Saved);
        Assert.Equal(original, Versions.Read("test").Text);
        Assert.Equal(("carol", original), (Versions.List("test")[0].By, Versions.List("test")[0].Text));
        await using (var client = await Gateway.ConnectAsync("test"))
        {
            Assert.Contains(await client.ListToolsAsync(), t => t.Name == "echo");
        }
    }

    [Fact]
    public async Task A_save_the_audit_log_cannot_record_writes_nothing()
    {
        var before = Versions.Read("test").Text;
        var unaudited = new PolicyVersions(Gateway.Services.GetRequiredService<GrantPolicies>(), new UnavailableAuditLog(), TimeProvider.System);

        await Assert.ThrowsAsync<AuditUnavailableException>(() => unaudited.SaveAsync("test", DenyEcho, "ops", default));

        Assert.Equal(before, Versions.Read("test").Text);
        Assert.Empty(Versions.List("test"));
    }

    [Fact]
    public async Task A_save_built_on_a_text_the_file_no_longer_holds_writes_nothing()
    {
        var opened = Versions.Read("test").Text;
        Assert.True((await Versions.SaveAsync("test", DenyEcho, "carol", default, basedOn: PolicyVersions.Sha256Of(opened))).Saved);

        // Another operator, who opened the policy before carol saved, saves their own change to it.
        var late = await Versions.SaveAsync("test", """{ "version": "1", "default": "allow" }""", "ops", default, basedOn: PolicyVersions.Sha256Of(opened));

        Assert.False(late.Saved);
        Assert.True(late.ChangedMeanwhile);
        Assert.Equal(DenyEcho, Versions.Read("test").Text);
        Assert.Equal(["carol", PolicyVersions.BeforeFirstSave], Versions.List("test").Select(v => v.By));
    }

    private sealed class UnavailableAuditLog : IAuditLog
    {
        public Task<AuditWrite> WriteAsync(AuditEvent record, CancellationToken cancellationToken) =>
            throw new AuditUnavailableException("the audit store is down");

        public Task RecordAsync(AuditEvent record, CancellationToken cancellationToken) =>
            throw new AuditUnavailableException("the audit store is down");

        public Task OnDisk => Task.CompletedTask;

        public void Post(AuditEvent record) => throw new AuditUnavailableException("the audit store is down");
    }
}
