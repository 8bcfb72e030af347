using System.Data.Common;
using System.Text.Json;
using Gatehouse.Approvals;
using Gatehouse.Store.Database;

namespace Gatehouse.Store.Approvals;

/// <summary>A held call as the <c>approvals</c> and <c>approval_votes</c> rows keep it, and how it is read back.</summary>
internal static class ApprovalRows
{
    public const string Columns =
        "id, requested_at, expires_at, identity, grant_id, server, session, method, target, arguments, rule, reason, " +
        "approvers, approvals_required, state, decided_by, decided_at, decision_reason";

    private static readonly string s_callColumns = string.Join(", ", Columns.Split(", ").Select(c => "c." + c));

    private static readonly Dictionary<string, ApprovalState> s_states =
        Enum.GetValues<ApprovalState>().ToDictionary(StateName, StringComparer.Ordinal);

    // The calls the clause picks, each joined with its approvals: one statement, so that a call and its
    // approvals are read as of the same moment.
    public static string SelectSql(string clause) =>
        $"SELECT {s_callColumns}, v.approver, v.at, v.reason FROM (SELECT {Columns} FROM approvals {clause}) c " +
        "LEFT JOIN approval_votes v ON v.approval_id = c.id ORDER BY c.requested_at DESC, c.id DESC, v.at, v.approver;";

    public static async Task<List<HeldCall>> ReadCallsAsync(DbCommand select, CancellationToken ct)
    {
        await using var reader = await select.ExecuteReaderAsync(ct);
        var calls = new List<(HeldCall Call, List<ApprovalVote> Votes)>();
        while (await reader.ReadAsync(ct))
        {
            if (calls.Count == 0 || !string.Equals(calls[^1].Call.Id, reader.GetString(0), StringComparison.Ordinal))
            {
                calls.Add((ReadCall(reader), []));
            }

            if (!reader.IsDBNull(18))
            {
                calls[^1].Votes.Add(new ApprovalVote(reader.GetString(18), StoredTime.FromStored(reader.GetInt64(19)), GetText(reader, 20)));
            }
        }

        return [.. calls.Select(c => c.Call with { Approvals = c.Votes })];
    }

    private static HeldCall ReadCall(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        RequestedAt = StoredTime.FromStored(reader.GetInt64(1)),
        ExpiresAt = StoredTime.FromStored(reader.GetInt64(2)),
        Identity = reader.GetString(3),
        Grant = reader.GetString(4),
        Server = reader.GetString(5),
        Session = reader.GetString(6),
        Method = reader.GetString(7),
        Target = reader.GetString(8),
        Arguments = GetText(reader, 9),
        Rule = reader.GetString(10),
        Reason = GetText(reader, 11),
        Approvers = JsonSerializer.Deserialize<string[]>(reader.GetString(12)) ?? [],
        ApprovalsRequired = reader.GetInt32(13),
        State = s_states[reader.GetString(14)],
        DecidedBy = GetText(reader, 15),
        DecidedAt = reader.GetTime(16),
        DecisionReason = GetText(reader, 17),
    };

    private static string? GetText(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    // Stored by these names rather than by the enum's numbers or member names, so that the rows read plainly in
    // sqlite3 or psql and survive a reordering or renaming of the enum.
    public static string StateName(ApprovalState state) => state switch
    {
        ApprovalState.Pending => "pending",
        ApprovalState.Approved => "approved",
        ApprovalState.Denied => "denied",
        ApprovalState.Expired => "expired",
        ApprovalState.Cancelled => "cancelled",
        ApprovalState.Executed => "executed",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };
}
