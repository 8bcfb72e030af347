using Gatehouse.Audit;

namespace Gatehouse.Store.Tests;

/// <summary>
/// Someone with write access to the database but not to Gatehouse edits it with the database's own client
/// (sqlite3, psql); verification must notice, and name the first record it can no longer vouch for.
/// </summary>
public abstract partial class AuditStoreContract<TDatabase>
{
    private async Task<IAuditStore> SixRecordsAsync()
    {
        var store = OpenStore().Audit;
        await store.AppendAsync(Events(0, 6), CancellationToken.None);
        var verification = await VerifyAsync(store);
        Assert.True(verification.Intact, verification.Problem);
        return store;
    }

    private async Task<AuditVerification> TamperAsync(IAuditStore store, string sql)
    {
        await Database.RunCommandLineAsync(sql);
        var verification = await VerifyAsync(store);
        output.WriteLine($"{sql} -> record {verification.FirstBroken}: {verification.Problem}");
        Assert.False(verification.Intact);
        return verification;
    }

    [Fact]
    public async Task A_field_edited_in_the_database_breaks_the_chain_at_that_record()
    {
        var store = await SixRecordsAsync();

        var verification = await TamperAsync(store, $"UPDATE audit_records SET decision = '{AuditDecisions.Allow}' WHERE sequence = 3;");

        Assert.Equal(3, verification.FirstBroken);
        Assert.Contains("changed", verification.Problem, StringComparison.Ordinal);
        Assert.Equal(2, verification.HeadSequence);
    }

    [Fact]
    public async Task A_record_deleted_from_the_middle_breaks_the_chain_where_it_was()
    {
        var store = await SixRecordsAsync();

        var verification = await TamperAsync(store, "DELETE FROM audit_records WHERE sequence = 4;");

        Assert.Equal(4, verification.FirstBroken);
        Assert.Contains("missing", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forged_row_inserted_after_the_last_breaks_the_chain_there()
    {
        var store = await SixRecordsAsync();

        // It claims to follow the last record, but whoever forged it could not give it a hash of its own content.
        var verification = await TamperAsync(store,
            "INSERT INTO audit_records (sequence, time, kind, identity, grant_id, server, session, request_id, method, target, arguments, " +
            "decision, rule, reason, outcome, latency_us, previous_hash, hash) " +
            "SELECT 7, time, kind, 'intruder', grant_id, server, session, request_id, method, target, arguments, " +
            $"'{AuditDecisions.Allow}', rule, reason, outcome, latency_us, hash, hash FROM audit_records WHERE sequence = 6;");

        Assert.Equal(7, verification.FirstBroken);
        Assert.Equal(6, verification.HeadSequence);
    }

    [Fact]
    public async Task Records_deleted_after_a_prune_cannot_be_hidden_by_moving_the_checkpoint()
    {
        var store = await SixRecordsAsync();
        await store.PruneAsync(Start.AddMinutes(2), s_signer, CancellationToken.None);
        Assert.True((await VerifyAsync(store)).Intact);

        var verification = await TamperAsync(store,
            "DELETE FROM audit_records WHERE sequence < 5; " +
            "UPDATE audit_checkpoints SET sequence = 5, pruned = pruned + 2, " +
            "previous_hash = (SELECT previous_hash FROM audit_records WHERE sequence = 5);");

        Assert.Equal(5, verification.FirstBroken);
        Assert.Contains("signature", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Records_cut_from_the_end_leave_a_chain_that_verifies_so_the_head_must_be_kept_elsewhere()
    {
        var store = await SixRecordsAsync();
        var head = await VerifyAsync(store);

        await Database.RunCommandLineAsync("DELETE FROM audit_records WHERE sequence > 4;");

        var verification = await VerifyAsync(store);
        Assert.True(verification.Intact);
        Assert.Equal((6L, 4L), (head.HeadSequence, verification.HeadSequence));
        Assert.NotEqual(head.HeadHash, verification.HeadHash);
    }
}
