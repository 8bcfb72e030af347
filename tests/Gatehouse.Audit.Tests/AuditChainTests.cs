namespace Gatehouse.Audit.Tests;

public sealed class AuditChainTests
{
    [Fact]
    public void The_same_record_after_the_same_hash_always_hashes_the_same()
    {
        Assert.Equal(AuditChain.Hash(1, Records.Decision(), AuditChain.Genesis), AuditChain.Hash(1, Records.Decision(), AuditChain.Genesis));
        Assert.Matches("^[0-9a-f]{64}$", AuditChain.Hash(1, Records.Decision(), AuditChain.Genesis));
    }

    [Fact]
    public void Hashes_are_those_of_the_version_1_encoding_so_that_chains_already_written_still_verify()
    {
        var record = Records.Decision() with { Reason = "caf\u00e9 \ud83d\udce7", Outcome = "", LatencyMicroseconds = 1234 };

        Assert.Equal("02a5224d78796a709bb3f521bd680531e7dea806c097a2e32c0d031a527c2504", AuditChain.Hash(7, record, new string('a', 64)));
        Assert.Equal("0cd01bc60df36ad57d80b5fa71a6c7bdaaceb510448cb0865cd15c652ac74816", AuditChain.Hash(1, Records.Decision(), AuditChain.Genesis));
    }

    [Fact]
    public void Every_field_is_covered_by_the_hash()
    {
        var original = Records.Decision();
        var changed = new AuditEvent[]
        {
            original with { Time = original.Time.AddMilliseconds(1) },
            original with { Kind = AuditKinds.Outcome },
            original with { Identity = "support-agent" },
            original with { Grant = "support" },
            original with { Server = "github" },
            original with { Session = "s-2" },
            original with { RequestId = "2" },
            original with { Method = "prompts/get" },
            original with { Target = "delete_list" },
            original with { Arguments = """{"campaign_id":4}""" },
            original with { Decision = AuditDecisions.Deny },
            original with { Rule = "default" },
            original with { Reason = "because" },
            original with { Outcome = AuditOutcomes.Ok },
            original with { LatencyMicroseconds = 5 },
        };
        var hashes = changed.Select(e => AuditChain.Hash(1, e, AuditChain.Genesis)).Append(AuditChain.Hash(1, original, AuditChain.Genesis))
            .Append(AuditChain.Hash(2, original, AuditChain.Genesis)).Append(AuditChain.Hash(1, original, new string('1', 64)));

        Assert.Equal(changed.Length + 3, hashes.Distinct().Count());
    }

    [Fact]
    public void A_missing_field_and_an_empty_one_hash_differently_and_fields_cannot_shift_into_each_other()
    {
        var record = Records.Decision();

        Assert.NotEqual(AuditChain.Hash(1, record with { Reason = null }, AuditChain.Genesis), AuditChain.Hash(1, record with { Reason = "" }, AuditChain.Genesis));
        Assert.NotEqual(
            AuditChain.Hash(1, record with { Rule = "ab", Reason = "c" }, AuditChain.Genesis),
            AuditChain.Hash(1, record with { Rule = "a", Reason = "bc" }, AuditChain.Genesis));
    }

    [Fact]
    public void Extending_numbers_records_on_and_chains_each_to_the_one_before()
    {
        var first = Records.Chain(3);
        var next = AuditChain.Extend(first[^1].Sequence, first[^1].Hash, [Records.Decision(4)]);

        Assert.Equal([1L, 2, 3], first.Select(r => r.Sequence));
        Assert.Equal(AuditChain.Genesis, first[0].PreviousHash);
        Assert.Equal(first[0].Hash, first[1].PreviousHash);
        Assert.Equal(4, next[0].Sequence);
        Assert.Equal(first[2].Hash, next[0].PreviousHash);
    }
}
