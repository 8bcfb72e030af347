using Gatehouse.Audit;
using Gatehouse.Store.Audit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Gatehouse.Store.Tests;

/// <summary>What every backend of the audit store must do.</summary>
public abstract partial class AuditStoreContract<TDatabase>(ITestOutputHelper output) : StoreContract<TDatabase>
    where TDatabase : TestDatabase, new()
{
    private static readonly CheckpointSigner s_signer = new([.. Enumerable.Range(1, 32).Select(i => (byte)i)]);

    private static AuditEvent Event(int i) => new()
    {
        Time = Start.AddMinutes(i),
        Kind = i % 5 == 4 ? AuditKinds.Outcome : AuditKinds.Decision,
        Identity = (i % 3) switch { 0 => "marketing-agent", 1 => "support-agent", _ => "ci-bot" },
        Grant = (i % 3) switch { 0 => "marketing", 1 => "support", _ => null },
        Server = i % 4 < 2 ? "crm" : "mail",
        Session = $"session-{i % 7}",
        RequestId = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Method = "tools/call",
        Target = i % 2 == 0 ? "send_campaign" : "list_contacts",
        Arguments = $$"""{"n":{{i}}}""",
        Decision = (i % 4) switch { 1 => AuditDecisions.Deny, 2 => AuditDecisions.RateLimited, _ => AuditDecisions.Allow },
        Rule = "tools.send_campaign",
        Reason = i % 4 == 1 ? "not allowed" : null,
        Outcome = i % 5 == 4 ? AuditOutcomes.Ok : null,
        LatencyMicroseconds = i % 5 == 4 ? 1000 + i : null,
    };

    private static List<AuditEvent> Events(int from, int count) => [.. Enumerable.Range(from, count).Select(Event)];

    private static async Task<List<AuditRecord>> ReadAllAsync(IAuditStore store, long after = 0)
    {
        var records = new List<AuditRecord>();
        await foreach (var record in store.ReadAsync(after, CancellationToken.None))
        {
            records.Add(record);
        }

        return records;
    }

    private static async Task<AuditVerification> VerifyAsync(IAuditStore store, CheckpointSigner? signer = null) =>
        await AuditVerifier.VerifyAsync(await store.GetCheckpointAsync(CancellationToken.None), store.ReadAsync(0, CancellationToken.None),
            signer ?? s_signer);

    [Fact]
    public async Task Append_numbers_records_from_1_and_chains_each_to_the_one_before()
    {
        var store = OpenStore().Audit;

        var first = await store.AppendAsync(Events(0, 3), CancellationToken.None);
        var second = await store.AppendAsync(Events(3, 2), CancellationToken.None);

        var all = first.Concat(second).ToList();
        Assert.Equal([1, 2, 3, 4, 5], all.Select(r => r.Sequence));
        Assert.Equal(AuditChain.Genesis, all[0].PreviousHash);
        for (var i = 0; i < all.Count; i++)
        {
            Assert.Equal(Event(i), all[i].Event);
            Assert.Equal(AuditChain.Hash(all[i].Sequence, all[i].Event, all[i].PreviousHash), all[i].Hash);
            if (i > 0)
            {
                Assert.Equal(all[i - 1].Hash, all[i].PreviousHash);
            }
        }

        Assert.Equal(all, await ReadAllAsync(store));
        var verification = await VerifyAsync(store);
        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(5, verification.Checked);
        Assert.Equal(all[^1].Hash, verification.HeadHash);
    }

    [Fact]
    public async Task Appending_nothing_writes_nothing()
    {
        var store = OpenStore().Audit;

        Assert.Empty(await store.AppendAsync([], CancellationToken.None));

        Assert.Empty(await ReadAllAsync(store));
        Assert.Equal(1, (await store.AppendAsync(Events(0, 1), CancellationToken.None))[0].Sequence);
    }

    [Fact]
    public async Task Records_are_read_by_another_process_once_written_and_flushes_beside_appends_lose_none()
    {
        var writer = OpenStore().Audit;
        var reader = OpenStore().Audit;

        await writer.FlushAsync(CancellationToken.None);
        var first = await writer.AppendAsync(Events(0, 2), CancellationToken.None);
        Assert.Equal(first, await ReadAllAsync(reader));

        // The group commit flushes while its next commit is written.
        var appends = Task.Run(async () =>
        {
            for (var i = 2; i < 42; i += 2)
            {
                await writer.AppendAsync(Events(i, 2), CancellationToken.None);
            }
        });
        while (!appends.IsCompleted)
        {
            await writer.FlushAsync(CancellationToken.None);
        }

        await appends;
        await writer.FlushAsync(CancellationToken.None);
        var verification = await VerifyAsync(reader);
        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(42, verification.Checked);
    }

    [Fact]
    public async Task Times_are_kept_to_the_millisecond_and_the_records_returned_equal_those_read_back()
    {
        var store = OpenStore().Audit;
        var precise = Event(0) with { Time = Start.AddTicks(12_345_678), };

        var appended = await store.AppendAsync([precise], CancellationToken.None);

        Assert.Equal(Start.AddMilliseconds(1234), appended[0].Event.Time);
        Assert.Equal(appended, await ReadAllAsync(store));
        Assert.True((await VerifyAsync(store)).Intact);
    }

    [Fact]
    public async Task Two_processes_appending_at_once_extend_one_chain()
    {
        var gateways = new[] { OpenStore().Audit, OpenStore().Audit };
        const int WritersPerGateway = 4;
        const int Batches = 10;
        const int BatchSize = 5;

        await Task.WhenAll(gateways.SelectMany((gateway, g) => Enumerable.Range(0, WritersPerGateway).Select(w => Task.Run(async () =>
        {
            for (var b = 0; b < Batches; b++)
            {
                var batch = Enumerable.Range(0, BatchSize).Select(i => Event(i) with { RequestId = $"{g}-{w}-{b}-{i}" }).ToList();
                await gateway.AppendAsync(batch, CancellationToken.None);
            }
        }))));

        var records = await ReadAllAsync(gateways[0]);
        const int Total = 2 * WritersPerGateway * Batches * BatchSize;
        Assert.Equal(Enumerable.Range(1, Total).Select(i => (long)i), records.Select(r => r.Sequence));
        Assert.Equal(Total, records.Select(r => r.Event.RequestId).Distinct(StringComparer.Ordinal).Count());
        // A batch stays together and in order, whoever else appended meanwhile.
        Assert.All(records.Chunk(BatchSize), batch => Assert.Equal(
            Enumerable.Range(0, BatchSize).Select(i => $"-{i}"), batch.Select(r => r.Event.RequestId![^2..])));
        var verification = await VerifyAsync(gateways[1]);
        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(Total, verification.Checked);
    }

    [Fact]
    public async Task Group_commit_over_the_store_writes_each_of_64_concurrent_callers_records_once_in_one_chain()
    {
        var store = OpenStore();
        const int Callers = 64;
        const int RecordsEach = 10;
        var log = new GroupCommitAuditLog(store.Audit, store.Get<ILogger<GroupCommitAuditLog>>());
        await using (log)
        {
            await Task.WhenAll(Enumerable.Range(0, Callers).Select(c => Task.Run(async () =>
            {
                for (var i = 0; i < RecordsEach; i++)
                {
                    await log.RecordAsync(Event(i) with { RequestId = $"{c}-{i}" }, CancellationToken.None);
                }
            })));
        }

        var records = await ReadAllAsync(store.Audit);
        Assert.Equal(Enumerable.Range(1, Callers * RecordsEach).Select(i => (long)i), records.Select(r => r.Sequence));
        Assert.Equal(
            Enumerable.Range(0, Callers).SelectMany(c => Enumerable.Range(0, RecordsEach).Select(i => $"{c}-{i}")).Order(StringComparer.Ordinal),
            records.Select(r => r.Event.RequestId!).Order(StringComparer.Ordinal));
        var verification = await VerifyAsync(store.Audit);
        Assert.True(verification.Intact, verification.Problem);
    }

    public static TheoryData<string> Filters => ["identity", "target", "decision", "server", "grant", "kind", "since", "until", "before", "all"];

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Query_returns_the_records_every_set_filter_matches_newest_first(string filter)
    {
        var store = OpenStore().Audit;
        var records = await store.AppendAsync(Events(0, 40), CancellationToken.None);
        var (query, matches) = filter switch
        {
            "identity" => (new AuditQuery { Identity = "support-agent" }, (Func<AuditRecord, bool>)(r => r.Event.Identity == "support-agent")),
            "target" => (new AuditQuery { Target = "list_contacts" }, r => r.Event.Target == "list_contacts"),
            "decision" => (new AuditQuery { Decision = AuditDecisions.Deny }, r => r.Event.Decision == AuditDecisions.Deny),
            "server" => (new AuditQuery { Server = "mail" }, r => r.Event.Server == "mail"),
            "grant" => (new AuditQuery { Grant = "marketing" }, r => r.Event.Grant == "marketing"),
            "kind" => (new AuditQuery { Kind = AuditKinds.Outcome }, r => r.Event.Kind == AuditKinds.Outcome),
            // Since is inclusive and Until exclusive, so adjacent windows neither overlap nor leave a gap.
            "since" => (new AuditQuery { Since = Start.AddMinutes(30) }, r => r.Event.Time >= Start.AddMinutes(30)),
            "until" => (new AuditQuery { Until = Start.AddMinutes(10) }, r => r.Event.Time < Start.AddMinutes(10)),
            "before" => (new AuditQuery { Before = 25 }, r => r.Sequence < 25),
            _ => (new AuditQuery
            {
                Identity = "marketing-agent",
                Target = "send_campaign",
                Decision = AuditDecisions.Allow,
                Server = "crm",
                Grant = "marketing",
                Kind = AuditKinds.Decision,
                Since = Start.AddMinutes(3),
                Until = Start.AddMinutes(36),
                Before = 36,
            }, r => r.Event is
            {
                Identity: "marketing-agent", Target: "send_campaign", Decision: AuditDecisions.Allow, Server: "crm",
                Grant: "marketing", Kind: AuditKinds.Decision
            } && r.Event.Time >= Start.AddMinutes(3) && r.Event.Time < Start.AddMinutes(36) && r.Sequence < 36),
        };
        var expected = records.Where(matches).OrderByDescending(r => r.Sequence).ToList();
        Assert.NotEmpty(expected);
        Assert.NotEqual(records.Count, expected.Count);

        var page = await store.QueryAsync(query, CancellationToken.None);

        Assert.Equal(expected, page.Records);
        Assert.Null(page.NextBefore);
    }

    [Fact]
    public async Task A_filter_that_matches_nothing_returns_an_empty_last_page()
    {
        var store = OpenStore().Audit;
        var empty = await store.QueryAsync(new AuditQuery(), CancellationToken.None);
        Assert.Empty(empty.Records);
        Assert.Null(empty.NextBefore);
        await store.AppendAsync(Events(0, 5), CancellationToken.None);

        var page = await store.QueryAsync(new AuditQuery { Identity = "nobody" }, CancellationToken.None);

        Assert.Empty(page.Records);
        Assert.Null(page.NextBefore);
    }

    [Fact]
    public async Task Pages_follow_NextBefore_to_the_oldest_record_and_the_last_page_says_so()
    {
        var store = OpenStore().Audit;
        var records = await store.AppendAsync(Events(0, 45), CancellationToken.None);

        var pages = new List<AuditPage>();
        var query = new AuditQuery { Limit = 10 };
        do
        {
            pages.Add(await store.QueryAsync(query, CancellationToken.None));
            query = query with { Before = pages[^1].NextBefore };
        }
        while (pages[^1].NextBefore is not null);

        Assert.Equal([10, 10, 10, 10, 5], pages.Select(p => p.Records.Count));
        Assert.Equal(records.OrderByDescending(r => r.Sequence), pages.SelectMany(p => p.Records));
        Assert.All(pages.SkipLast(1), p => Assert.Equal(p.Records[^1].Sequence, p.NextBefore));

        // Filters hold across pages, and a page that happens to end at the oldest match is the last.
        var support = records.Where(r => r.Event.Identity == "support-agent").OrderByDescending(r => r.Sequence).ToList();
        Assert.Equal(15, support.Count);
        var first = await store.QueryAsync(new AuditQuery { Identity = "support-agent", Limit = 8 }, CancellationToken.None);
        var second = await store.QueryAsync(new AuditQuery { Identity = "support-agent", Limit = 7, Before = first.NextBefore }, CancellationToken.None);
        Assert.Equal(support, first.Records.Concat(second.Records));
        Assert.Equal(support[7].Sequence, first.NextBefore);
        Assert.Null(second.NextBefore);
    }

    [Fact]
    public async Task Query_takes_1_to_MaxLimit_records_and_100_by_default()
    {
        var store = OpenStore().Audit;
        var records = await store.AppendAsync(Events(0, AuditQuery.MaxLimit + 1), CancellationToken.None);

        Assert.Equal(100, (await store.QueryAsync(new AuditQuery(), CancellationToken.None)).Records.Count);
        var one = await store.QueryAsync(new AuditQuery { Limit = 1 }, CancellationToken.None);
        Assert.Equal(records[^1], Assert.Single(one.Records));
        Assert.Equal(records[^1].Sequence, one.NextBefore);
        var most = await store.QueryAsync(new AuditQuery { Limit = AuditQuery.MaxLimit }, CancellationToken.None);
        Assert.Equal(AuditQuery.MaxLimit, most.Records.Count);
        Assert.Equal(2, most.NextBefore);

        foreach (var limit in new[] { 0, -1, AuditQuery.MaxLimit + 1, int.MaxValue, int.MinValue })
        {
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.QueryAsync(new AuditQuery { Limit = limit }, CancellationToken.None));
        }
    }

    [Fact]
    public async Task Read_streams_every_record_in_order_across_pages()
    {
        var store = OpenStore().Audit;
        const int Total = (2 * AuditStore.ReadPageSize) + 500;
        for (var from = 0; from < Total; from += 500)
        {
            await store.AppendAsync(Events(from, 500), CancellationToken.None);
        }

        Assert.Equal(Enumerable.Range(1, Total).Select(i => (long)i), (await ReadAllAsync(store)).Select(r => r.Sequence));
        Assert.Equal(Enumerable.Range(1235, Total - 1234).Select(i => (long)i), (await ReadAllAsync(store, 1234)).Select(r => r.Sequence));
        // Exactly two pages' worth after 500: the stream ends rather than waiting for a third.
        Assert.Equal(2 * AuditStore.ReadPageSize, (await ReadAllAsync(store, 500)).Count);
        Assert.Empty(await ReadAllAsync(store, Total));
        var verification = await VerifyAsync(store);
        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(Total, verification.Checked);
    }

    [Fact]
    public async Task Null_fields_read_back_as_null_and_empty_ones_as_empty()
    {
        var store = OpenStore().Audit;
        var bare = new AuditEvent { Time = Start, Kind = AuditKinds.Authentication };
        var empty = new AuditEvent
        {
            Time = Start,
            Kind = "",
            Identity = "",
            Grant = "",
            Server = "",
            Session = "",
            RequestId = "",
            Method = "",
            Target = "",
            Arguments = "",
            Decision = "",
            Rule = "",
            Reason = "",
            Outcome = "",
            LatencyMicroseconds = 0,
        };

        var appended = await store.AppendAsync([bare, empty], CancellationToken.None);

        var read = await ReadAllAsync(store);
        Assert.Equal(appended, read);
        Assert.Equal(bare, read[0].Event);
        Assert.Equal(empty, read[1].Event);
        Assert.Equal(appended, (await store.QueryAsync(new AuditQuery(), CancellationToken.None)).Records.Reverse());
        Assert.Equal(read[1], Assert.Single((await store.QueryAsync(new AuditQuery { Identity = "" }, CancellationToken.None)).Records));
        Assert.True((await VerifyAsync(store)).Intact);
    }

    [Fact]
    public async Task Unicode_reads_back_exactly_and_still_verifies()
    {
        var store = OpenStore().Audit;
        string[] texts =
        [
            "Grüße, 你好, こんにちは, مرحبا, שלום, Привет",
            "👩‍👩‍👧‍👦 🏳️‍🌈 🇫🇷 e\u0301 \u00e9 \u200b\u2028\u2029 \ufeff",
            """{"q":"it's \"quoted\" \\ back\\slashed","tab":"\t","nl":"\n"}""",
            "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 " + new string('ж', 100_000),
        ];
        var events = texts.Select((text, i) => Event(i) with { Arguments = text, Target = $"tool-{i}-ü-🎉", Reason = text }).ToList();

        var appended = await store.AppendAsync(events, CancellationToken.None);

        Assert.Equal(events, appended.Select(r => r.Event));
        var read = await ReadAllAsync(store);
        Assert.Equal(texts, read.Select(r => r.Event.Arguments));
        Assert.Equal(appended, read);
        Assert.True((await VerifyAsync(store)).Intact);
        Assert.Equal(read[1], Assert.Single((await store.QueryAsync(new AuditQuery { Target = events[1].Target }, CancellationToken.None)).Records));
    }

    [Fact]
    public async Task Long_identities_and_targets_are_stored_whole_and_found_whole()
    {
        var store = OpenStore().Audit;
        // Random, so that no database can compress it into an index entry.
        var uri = "data:application/octet-stream;base64," + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12_000));
        var identity = new string('a', 300) + "-agent";
        var events = new[]
        {
            Event(0) with { Target = uri, Identity = identity },
            Event(1) with { Target = uri[..^1] + "!", Identity = identity[..^1] + "!" },
            Event(2) with { Target = uri[..256], Identity = identity[..256] },
        };

        var appended = await store.AppendAsync(events, CancellationToken.None);

        Assert.Equal(events, appended.Select(r => r.Event));
        Assert.Equal(appended, await ReadAllAsync(store));
        foreach (var record in appended)
        {
            Assert.Equal(record, Assert.Single((await store.QueryAsync(new AuditQuery { Target = record.Event.Target }, CancellationToken.None)).Records));
            Assert.Equal(record, Assert.Single((await store.QueryAsync(new AuditQuery { Identity = record.Event.Identity }, CancellationToken.None)).Records));
        }
    }

    [Fact]
    public async Task Text_no_database_can_hold_is_stored_as_replacement_characters_rather_than_failing_the_batch()
    {
        var store = OpenStore().Audit;
        var odd = Event(0) with { Target = "tool\0name", Arguments = "{\"x\":\"\ud800\"}", Reason = "\udc00 and 😀 and \0" };

        var appended = await store.AppendAsync([Event(1), odd, Event(2)], CancellationToken.None);

        Assert.Equal("tool\ufffdname", appended[1].Event.Target);
        Assert.Equal("{\"x\":\"\ufffd\"}", appended[1].Event.Arguments);
        Assert.Equal("\ufffd and 😀 and \ufffd", appended[1].Event.Reason);
        Assert.Equal(appended, await ReadAllAsync(store));
        Assert.True((await VerifyAsync(store)).Intact);
    }

    [Fact]
    public async Task Pruning_removes_the_oldest_records_and_the_signed_checkpoint_keeps_the_rest_verifiable()
    {
        var store = OpenStore();
        var records = await store.Audit.AppendAsync(Events(0, 10), CancellationToken.None);
        store.Time.Advance(TimeSpan.FromDays(1));

        var result = await store.Audit.PruneAsync(Start.AddMinutes(5), s_signer, CancellationToken.None);

        Assert.Equal(5, result.Pruned);
        var checkpoint = Assert.IsType<AuditCheckpoint>(result.Checkpoint);
        Assert.Equal(6, checkpoint.Sequence);
        Assert.Equal(records[4].Hash, checkpoint.PreviousHash);
        Assert.Equal(5, checkpoint.Pruned);
        Assert.Equal(Start.AddDays(1), checkpoint.CreatedAt);
        Assert.True(s_signer.IsValid(checkpoint));
        Assert.Equal(checkpoint, await store.Audit.GetCheckpointAsync(CancellationToken.None));
        Assert.Equal(records.Skip(5), await ReadAllAsync(store.Audit));
        var verification = await VerifyAsync(store.Audit);
        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(5, verification.Checked);

        var later = await OpenStore().Audit.AppendAsync(Events(10, 3), CancellationToken.None);
        Assert.Equal([11, 12, 13], later.Select(r => r.Sequence));
        Assert.Equal(records[^1].Hash, later[0].PreviousHash);
        verification = await VerifyAsync(store.Audit);
        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(8, verification.Checked);
    }

    [Fact]
    public async Task A_record_written_with_a_clock_behind_the_others_is_pruned_only_with_those_before_it()
    {
        var store = OpenStore().Audit;
        var events = Events(0, 6);
        events[3] = events[3] with { Time = Start.AddDays(-1) };
        await store.AppendAsync(events, CancellationToken.None);

        var result = await store.PruneAsync(Start.AddMinutes(2), s_signer, CancellationToken.None);

        Assert.Equal(2, result.Pruned);
        Assert.Equal([3, 4, 5, 6], (await ReadAllAsync(store)).Select(r => r.Sequence));
        Assert.True((await VerifyAsync(store)).Intact);
    }

    [Fact]
    public async Task Pruning_everything_leaves_a_checkpoint_after_the_last_record_and_appending_continues_the_chain()
    {
        var store = OpenStore();
        var records = await store.Audit.AppendAsync(Events(0, 4), CancellationToken.None);

        var result = await store.Audit.PruneAsync(Start.AddYears(1), s_signer, CancellationToken.None);

        Assert.Equal(4, result.Pruned);
        Assert.Equal(5, result.Checkpoint?.Sequence);
        Assert.Equal(records[^1].Hash, result.Checkpoint?.PreviousHash);
        Assert.Empty(await ReadAllAsync(store.Audit));
        var verification = await VerifyAsync(store.Audit);
        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal((0L, 4L, records[^1].Hash), (verification.Checked, verification.HeadSequence, verification.HeadHash));
        Assert.Equal(new AuditPruneResult(0, null), await store.Audit.PruneAsync(Start.AddYears(1), s_signer, CancellationToken.None));

        // Another process, that never saw the pruned records, continues after them.
        var next = await OpenStore().Audit.AppendAsync(Events(4, 2), CancellationToken.None);
        Assert.Equal([5, 6], next.Select(r => r.Sequence));
        Assert.Equal(records[^1].Hash, next[0].PreviousHash);
        Assert.True((await VerifyAsync(store.Audit)).Intact);

        store.Time.Advance(TimeSpan.FromMinutes(1));
        var again = await store.Audit.PruneAsync(Start.AddYears(1), s_signer, CancellationToken.None);
        Assert.Equal(7, again.Checkpoint?.Sequence);
        Assert.Equal(again.Checkpoint, await store.Audit.GetCheckpointAsync(CancellationToken.None));
        Assert.True((await VerifyAsync(store.Audit)).Intact);
    }

    [Fact]
    public async Task Nothing_to_prune_writes_no_checkpoint()
    {
        var store = OpenStore().Audit;
        Assert.Equal(new AuditPruneResult(0, null), await store.PruneAsync(Start.AddYears(1), s_signer, CancellationToken.None));

        await store.AppendAsync(Events(0, 3), CancellationToken.None);

        Assert.Equal(new AuditPruneResult(0, null), await store.PruneAsync(Start, s_signer, CancellationToken.None));
        Assert.Null(await store.GetCheckpointAsync(CancellationToken.None));
        Assert.Equal(3, (await ReadAllAsync(store)).Count);
    }

    [Fact]
    public async Task A_checkpoint_whose_signature_was_altered_or_made_with_another_key_fails_verification()
    {
        var store = OpenStore().Audit;
        await store.AppendAsync(Events(0, 6), CancellationToken.None);
        var checkpoint = (await store.PruneAsync(Start.AddMinutes(3), s_signer, CancellationToken.None)).Checkpoint!;
        var signature = checkpoint.Signature;
        var forgeries = new[]
        {
            checkpoint with { Signature = (signature[0] == '0' ? "1" : "0") + signature[1..] },
            checkpoint with { Sequence = checkpoint.Sequence + 1 },
            checkpoint with { Pruned = checkpoint.Pruned + 1 },
            new CheckpointSigner(new byte[32]).Sign(checkpoint.Sequence, checkpoint.PreviousHash, checkpoint.CreatedAt, checkpoint.Pruned),
        };

        foreach (var forged in forgeries)
        {
            var verification = await AuditVerifier.VerifyAsync(forged, store.ReadAsync(0, CancellationToken.None), s_signer);
            Assert.False(verification.Intact);
            Assert.Equal(forged.Sequence, verification.FirstBroken);
        }

        Assert.True((await VerifyAsync(store)).Intact);
        Assert.False((await VerifyAsync(store, new CheckpointSigner(new byte[32]))).Intact);
    }

    [Fact]
    public async Task An_unreachable_store_throws_AuditUnavailableException_naming_the_store_but_no_password()
    {
        var store = OpenUnreachableStore().Audit;

        var append = await Assert.ThrowsAsync<AuditUnavailableException>(() => store.AppendAsync(Events(0, 1), CancellationToken.None));
        await Assert.ThrowsAsync<AuditUnavailableException>(() => store.QueryAsync(new AuditQuery(), CancellationToken.None));
        await Assert.ThrowsAsync<AuditUnavailableException>(() => ReadAllAsync(store));
        await Assert.ThrowsAsync<AuditUnavailableException>(() => store.GetCheckpointAsync(CancellationToken.None));
        await Assert.ThrowsAsync<AuditUnavailableException>(() => store.PruneAsync(Start, s_signer, CancellationToken.None));

        Assert.IsType<StoreUnavailableException>(append.InnerException);
        Assert.Contains("state store", append.Message, StringComparison.Ordinal);
        Assert.Contains("unavailable", append.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(TestDatabase.UnreachablePassword, append.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Logs.Lines, line => line.Contains(TestDatabase.UnreachablePassword, StringComparison.Ordinal));
        output.WriteLine(append.Message);
    }

    [Fact]
    public async Task Group_commit_over_an_unreachable_store_refuses_every_caller()
    {
        var store = OpenUnreachableStore();
        await using var log = new GroupCommitAuditLog(store.Audit, store.Get<ILogger<GroupCommitAuditLog>>());

        var calls = Enumerable.Range(0, 8).Select(i => log.RecordAsync(Event(i), CancellationToken.None)).ToList();

        foreach (var call in calls)
        {
            await Assert.ThrowsAsync<AuditUnavailableException>(() => call);
        }
    }
}
