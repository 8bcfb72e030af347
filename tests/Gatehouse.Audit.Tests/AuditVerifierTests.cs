namespace Gatehouse.Audit.Tests;

public sealed class AuditVerifierTests
{
    private readonly CheckpointSigner _signer = new("a checkpoint key of the operator"u8.ToArray());

    [Fact]
    public async Task An_untouched_chain_is_intact_and_names_its_head()
    {
        var chain = Records.Chain(5);

        var result = await Verify(null, chain);

        Assert.True(result.Intact);
        Assert.Equal(5, result.Checked);
        Assert.Equal(5, result.HeadSequence);
        Assert.Equal(chain[^1].Hash, result.HeadHash);
    }

    [Fact]
    public async Task An_edited_record_is_named()
    {
        var chain = Records.Chain(5).ToList();
        chain[2] = chain[2] with { Event = chain[2].Event with { Decision = AuditDecisions.Deny } };

        var result = await Verify(null, chain);

        Assert.False(result.Intact);
        Assert.Equal(3, result.FirstBroken);
        Assert.Contains("changed after it was written", result.Problem);
        Assert.Equal(2, result.HeadSequence);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(2, 3)]
    public async Task A_deleted_record_is_named(int deleted, long named)
    {
        var chain = Records.Chain(5).ToList();
        chain.RemoveAt(deleted);

        var result = await Verify(null, chain);

        Assert.False(result.Intact);
        Assert.Equal(named, result.FirstBroken);
        Assert.Contains($"record {named} is missing", result.Problem);
    }

    [Fact]
    public async Task A_record_rehashed_in_place_breaks_the_next_link()
    {
        var chain = Records.Chain(5).ToList();
        var forged = chain[1].Event with { Target = "delete_list" };
        chain[1] = chain[1] with { Event = forged, Hash = AuditChain.Hash(2, forged, chain[1].PreviousHash) };

        var result = await Verify(null, chain);

        Assert.Equal(3, result.FirstBroken);
        Assert.Contains("does not follow", result.Problem);
    }

    [Fact]
    public async Task A_record_inserted_with_a_used_number_is_named()
    {
        var chain = Records.Chain(3).ToList();
        chain.Insert(2, chain[1] with { Event = chain[1].Event with { Target = "extra" } });

        var result = await Verify(null, chain);

        Assert.False(result.Intact);
        Assert.Equal(2, result.FirstBroken);
    }

    [Fact]
    public async Task A_pruned_chain_verifies_from_its_signed_checkpoint()
    {
        var chain = Records.Chain(5);
        var checkpoint = _signer.Sign(3, chain[1].Hash, DateTimeOffset.UnixEpoch, 2);

        var result = await Verify(checkpoint, chain.Skip(2));

        Assert.True(result.Intact);
        Assert.Equal(3, result.Checked);
    }

    [Fact]
    public async Task A_checkpoint_moved_to_hide_a_deletion_fails()
    {
        var chain = Records.Chain(5);
        var checkpoint = _signer.Sign(3, chain[1].Hash, DateTimeOffset.UnixEpoch, 2);

        var moved = await Verify(checkpoint with { Sequence = 4, PreviousHash = chain[2].Hash }, chain.Skip(3));
        var otherKey = await AuditVerifier.VerifyAsync(checkpoint, Records.Stream(chain.Skip(2)), new CheckpointSigner(new byte[32]));

        Assert.False(moved.Intact);
        Assert.Contains("signature", moved.Problem);
        Assert.False(otherKey.Intact);
    }

    [Fact]
    public void A_checkpoint_key_shorter_than_16_bytes_is_refused() =>
        Assert.Throws<ArgumentException>(() => new CheckpointSigner(new byte[15]));

    private Task<AuditVerification> Verify(AuditCheckpoint? checkpoint, IEnumerable<AuditRecord> records) =>
        AuditVerifier.VerifyAsync(checkpoint, Records.Stream(records), _signer);
}
