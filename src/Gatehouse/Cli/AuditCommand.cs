using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Admin;
using Gatehouse.Audit;
using Gatehouse.Policy;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Cli;

/// <summary><c>gatehouse audit tail | query | verify | export | prune</c>: the audit log, read from the configuration's store.</summary>
internal static class AuditCommand
{
    private static readonly TimeSpan s_followInterval = TimeSpan.FromSeconds(1);

    public static Command Create() => new("audit", "Read, verify, export and prune the audit log of every decision.")
    {
        Tail(),
        Query(),
        Verify(),
        Export(),
        Prune(),
    };

    private static Command Tail()
    {
        var config = CommonOptions.Config();
        var lines = new Option<int>("--lines", "-n") { Description = "How many of the newest records to show first.", DefaultValueFactory = _ => 20 };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing records as they are written, until interrupted." };
        var json = CommonOptions.Json();
        var command = new Command("tail", "Show the newest records, oldest of them first; with -f, follow the log.\n\nExample:\n  gatehouse audit tail -f")
        {
            config, lines, follow, json,
        };
        lines.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > AuditQuery.MaxLimit)
            {
                result.AddError($"--lines must be from 1 to {AuditQuery.MaxLimit}.");
            }
        });
        command.SetAction((parse, cancellationToken) => StoreCommands.RunAsync(parse, config, async (services, output) =>
        {
            var audit = services.GetRequiredService<IAuditStore>();
            var asJson = parse.GetValue(json);
            var newest = await audit.QueryAsync(new AuditQuery { Limit = parse.GetValue(lines) }, cancellationToken);
            var last = 0L;
            if (!asJson)
            {
                output.WriteLine(Table.Header);
            }

            foreach (var record in newest.Records.Reverse())
            {
                Print(output, record, asJson);
                last = record.Sequence;
            }

            if (!parse.GetValue(follow))
            {
                return ExitCodes.Ok;
            }

            try
            {
                while (true)
                {
                    await Task.Delay(s_followInterval, cancellationToken);
                    await foreach (var record in audit.ReadAsync(last, cancellationToken))
                    {
                        Print(output, record, asJson);
                        last = record.Sequence;
                    }

                    output.Flush();
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return ExitCodes.Ok;
            }
        }));
        return command;
    }

    private static Command Query()
    {
        var config = CommonOptions.Config();
        var identity = new Option<string?>("--identity") { Description = "Only this identity's records." };
        var tool = new Option<string?>("--tool") { Description = "Only records of this tool (or resource uri, or prompt)." };
        var decision = new Option<string?>("--decision") { Description = "Only this decision: allow, deny, rate_limited, invalid_arguments, approval_required, unavailable, withheld, unauthenticated." };
        var server = new Option<string?>("--server") { Description = "Only this upstream server's records." };
        var grant = new Option<string?>("--grant") { Description = "Only this grant's records." };
        var kind = new Option<string?>("--kind") { Description = "Only this kind of record: decision, outcome, approval, catalog or authentication." };
        var since = new Option<string?>("--since") { Description = "Records from this time on: 2026-12-01T09:00:00Z, or a duration back from now such as 1h or 7d." };
        var until = new Option<string?>("--until") { Description = "Records before this time, written as for --since." };
        var limit = new Option<int>("--limit") { Description = $"At most this many records, newest first (1 to {AuditQuery.MaxLimit}).", DefaultValueFactory = _ => 100 };
        var before = new Option<long?>("--before") { Description = "Only records numbered below this: the next page of a long result." };
        var json = CommonOptions.Json();
        var command = new Command("query", "List the records that match, newest first.\n\nExample:\n  gatehouse audit query --tool send_campaign --since 1h")
        {
            config, identity, tool, decision, server, grant, kind, since, until, limit, before, json,
        };
        command.SetAction((parse, cancellationToken) => StoreCommands.RunAsync(parse, config, async (services, output) =>
        {
            var values = new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["identity"] = parse.GetValue(identity),
                ["tool"] = parse.GetValue(tool),
                ["decision"] = parse.GetValue(decision),
                ["server"] = parse.GetValue(server),
                ["grant"] = parse.GetValue(grant),
                ["kind"] = parse.GetValue(kind),
                ["since"] = parse.GetValue(since),
                ["until"] = parse.GetValue(until),
                ["limit"] = parse.GetValue(limit).ToString(CultureInfo.InvariantCulture),
                ["before"] = parse.GetValue(before)?.ToString(CultureInfo.InvariantCulture),
            };
            var time = services.GetRequiredService<TimeProvider>();
            if (AuditQueryText.Parse(values, time.GetUtcNow(), out var error) is not { } query)
            {
                parse.InvocationConfiguration.Error.WriteLine(error);
                return ExitCodes.Usage;
            }

            var page = await services.GetRequiredService<IAuditStore>().QueryAsync(query, cancellationToken);
            if (parse.GetValue(json))
            {
                var result = new JsonObject
                {
                    ["records"] = new JsonArray([.. page.Records.Select(r => (JsonNode)AuditJson.Of(r))]),
                    ["next"] = page.NextBefore,
                };
                output.WriteLine(result.ToJsonString(CommonOptions.JsonOutput));
                return ExitCodes.Ok;
            }

            output.WriteLine(Table.Header);
            foreach (var record in page.Records)
            {
                output.WriteLine(Table.Row(record));
            }

            if (page.NextBefore is { } next)
            {
                parse.InvocationConfiguration.Error.WriteLine($"More records match: add --before {next} for the next page.");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Verify()
    {
        var config = CommonOptions.Config();
        var json = CommonOptions.Json();
        var command = new Command("verify",
            "Walk the hash chain from its start and report the first record that was edited, inserted or deleted (exit 1).\n\n" +
            "Example:\n  gatehouse audit verify")
        {
            config, json,
        };
        command.SetAction((parse, cancellationToken) => StoreCommands.RunAsync(parse, config, async (services, output) =>
        {
            var audit = services.GetRequiredService<IAuditStore>();
            var verification = await AuditVerifier.VerifyAsync(await audit.GetCheckpointAsync(cancellationToken), audit.ReadAsync(0, cancellationToken),
                services.GetRequiredService<CheckpointSigner>(), cancellationToken);
            if (parse.GetValue(json))
            {
                output.WriteLine(AuditJson.Of(verification).ToJsonString(CommonOptions.JsonOutput));
            }
            else if (verification.Intact)
            {
                output.WriteLine($"The audit log is intact: {verification.Checked} records verified; the newest is #{verification.HeadSequence}, hash {verification.HeadHash}.");
                output.WriteLine("Keep that hash elsewhere: a later verify that ends before it shows the log was cut short.");
            }
            else
            {
                output.WriteLine($"The audit log is broken at record #{verification.FirstBroken}: {verification.Problem}.");
                output.WriteLine($"Records up to #{verification.HeadSequence} verify ({verification.Checked} checked).");
            }

            return verification.Intact ? ExitCodes.Ok : ExitCodes.Failed;
        }));
        return command;
    }

    private static Command Export()
    {
        var config = CommonOptions.Config();
        var format = new Option<string>("--format") { Description = "The output format: jsonl, one record a line.", DefaultValueFactory = _ => "jsonl" };
        format.AcceptOnlyFromAmong("jsonl");
        var command = new Command("export",
            "Write every record, oldest first, to standard output; each line carries its hashes, so the export verifies on its own.\n\n" +
            "Example:\n  gatehouse audit export --format jsonl > audit.jsonl")
        {
            config, format,
        };
        command.SetAction((parse, cancellationToken) => StoreCommands.RunAsync(parse, config, async (services, output) =>
        {
            await AuditExport.WriteJsonLinesAsync(services.GetRequiredService<IAuditStore>().ReadAsync(0, cancellationToken), output, cancellationToken);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Prune()
    {
        var config = CommonOptions.Config();
        var olderThan = new Option<string>("--older-than") { Description = "Remove records older than this, e.g. 90d.", Required = true };
        olderThan.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } text && !Durations.TryParse(text, out _, out _))
            {
                result.AddError($"--older-than must be a duration such as 90d or 12h, not '{text}'.");
            }
        });
        var command = new Command("prune",
            "Remove the oldest records and sign a checkpoint where the kept chain starts, so it still verifies.\n\n" +
            "Example:\n  gatehouse audit prune --older-than 90d")
        {
            config, olderThan,
        };
        command.SetAction((parse, cancellationToken) => StoreCommands.RunAsync(parse, config, async (services, output) =>
        {
            Durations.TryParse(parse.GetRequiredValue(olderThan), out var age, out _);
            var cutoff = services.GetRequiredService<TimeProvider>().GetUtcNow() - age;
            var result = await services.GetRequiredService<IAuditStore>().PruneAsync(cutoff, services.GetRequiredService<CheckpointSigner>(), cancellationToken);
            output.WriteLine(result.Checkpoint is { } checkpoint
                ? $"Pruned {result.Pruned} records written before {cutoff:u}; the chain now starts at record #{checkpoint.Sequence}, after a signed checkpoint."
                : $"No record was written before {cutoff:u}; nothing was pruned.");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static void Print(TextWriter output, AuditRecord record, bool asJson) =>
        output.WriteLine(asJson ? AuditJson.Of(record).ToJsonString() : Table.Row(record));

    private static class Table
    {
        public static string Header { get; } =
            $"{"#",-8}  {"TIME (UTC)",-23}  {"KIND",-14}  {"DECISION",-17}  {"IDENTITY",-20}  {"SERVER",-12}  {"TARGET",-28}  {"OUTCOME",-9}  REASON";

        public static string Row(AuditRecord record)
        {
            var e = record.Event;
            var outcome = e.Outcome is null ? "" : e.LatencyMicroseconds is { } us ? $"{e.Outcome} {us / 1000.0:0.#}ms" : e.Outcome;
            return $"{record.Sequence,-8}  {e.Time.UtcDateTime,-23:yyyy-MM-dd HH:mm:ss.fff}  {e.Kind,-14}  {e.Decision,-17}  {e.Identity ?? "-",-20}  " +
                $"{e.Server ?? "-",-12}  {e.Target ?? e.Method ?? "-",-28}  {outcome,-9}  {e.Reason}";
        }
    }
}
