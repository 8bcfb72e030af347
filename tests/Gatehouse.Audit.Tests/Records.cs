namespace Gatehouse.Audit.Tests;

internal static class Records
{
    public static AuditEvent Decision(int n = 1) => new()
    {
        Time = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero).AddSeconds(n),
        Kind = AuditKinds.Decision,
        Identity = "marketing-agent",
        Grant = "marketing",
        Server = "listmonk",
        Session = "s-1",
        RequestId = n.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Method = "tools/call",
        Target = "send_campaign",
        Arguments = """{"campaign_id":3}""",
        Decision = AuditDecisions.Allow,
        Rule = "tools.send_campaign",
    };

    public static IReadOnlyList<AuditRecord> Chain(int count) =>
        AuditChain.Extend(0, AuditChain.Genesis, [.. Enumerable.Range(1, count).Select(Decision)]);

    public static async IAsyncEnumerable<AuditRecord> Stream(IEnumerable<AuditRecord> records)
    {
        foreach (var record in records)
        {
            await Task.Yield();
            yield return record;
        }
    }
}
