using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Approvals;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Cli;

/// <summary><c>gatehouse approvals list | show | approve | deny</c>: the queue of calls held for a person, in the configuration's store.</summary>
internal static class ApprovalsCommand
{
    public static Command Create() => new("approvals", "List, approve and deny the calls held for a person's approval.")
    {
        List(),
        Show(),
        Decide(approve: true),
        Decide(approve: false),
    };

    private static Command List()
    {
        var config = CommonOptions.Config();
        var state = new Option<string>("--state") { Description = "Which calls: pending (the default), approved, denied, expired, cancelled, executed or all.", DefaultValueFactory = _ => "pending" };
        state.AcceptOnlyFromAmong([.. Enum.GetValues<ApprovalState>().Select(ApprovalJson.StateName), "all"]);
        var limit = new Option<int>("--limit") { Description = "At most this many, newest first (1 to 1000).", DefaultValueFactory = _ => 100 };
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 1000)
            {
                result.AddError("--limit must be from 1 to 1000.");
            }
        });
        var json = CommonOptions.Json();
        var command = new Command("list", "List held calls, newest first.\n\nExample:\n  gatehouse approvals list --state pending")
        {
            config, state, limit, json,
        };
        command.SetAction((parse, cancellationToken) => StoreCommands.RunAsync(parse, config, async (services, output) =>
        {
            var text = parse.GetRequiredValue(state);
            var filter = new ApprovalFilter { State = text == "all" ? null : ApprovalJson.ParseState(text) };
            var calls = await services.GetRequiredService<ApprovalQueue>().ListAsync(filter, parse.GetValue(limit), cancellationToken);
            if (parse.GetValue(json))
            {
                output.WriteLine(new JsonArray([.. calls.Select(c => (JsonNode)ApprovalJson.Of(c))]).ToJsonString(CommonOptions.JsonOutput));
                return ExitCodes.Ok;
            }

            output.WriteLine($"{"ID",-19}  {"STATE",-9}  {"REQUESTED (UTC)",-19}  {"EXPIRES (UTC)",-19}  {"IDENTITY",-20}  {"GRANT",-14}  {"TARGET",-24}  APPROVALS");
            foreach (var call in calls)
            {
                output.WriteLine($"{call.Id,-19}  {ApprovalJson.StateName(call.State),-9}  {call.RequestedAt.UtcDateTime,-19:yyyy-MM-dd HH:mm:ss}  " +
                    $"{call.ExpiresAt.UtcDateTime,-19:yyyy-MM-dd HH:mm:ss}  {call.Identity,-20}  {call.Grant,-14}  {call.Target,-24}  {call.Approvals.Count}/{call.ApprovalsRequired}");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Show()
    {
        var config = CommonOptions.Config();
        var id = new Argument<string>("id") { Description = "The held call's id, as 'approvals list' shows it." };
        var json = CommonOptions.Json();
        var command = new Command("show", "Show one held call: who asked, what for, with which arguments, and who approved it.\n\nExample:\n  gatehouse approvals show ap_3f2a9c0d1e4b5a6f")
        {
            config, id, json,
        };
        command.SetAction((parse, cancellationToken) => StoreCommands.RunAsync(parse, config, async (services, output) =>
        {
            if (await services.GetRequiredService<ApprovalQueue>().GetAsync(parse.GetRequiredValue(id), cancellationToken) is not { } call)
            {
                parse.InvocationConfiguration.Error.WriteLine($"There is no held call {parse.GetRequiredValue(id)}.");
                return ExitCodes.Failed;
            }

            var node = ApprovalJson.Of(call);
            if (parse.GetValue(json))
            {
                output.WriteLine(node.ToJsonString(CommonOptions.JsonOutput));
                return ExitCodes.Ok;
            }

            foreach (var (name, value) in node)
            {
                output.WriteLine($"{name + ":",-18} {(value is JsonValue ? value.ToString() : value?.ToJsonString() ?? "-")}");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Decide(bool approve)
    {
        var config = CommonOptions.Config();
        var id = new Argument<string>("id") { Description = "The held call's id, as 'approvals list' shows it." };
        var reason = new Option<string?>("--reason") { Description = approve ? "Why, for the audit log." : "Why, in words the agent is told." };
        var approver = new Option<string>("--as")
        {
            Description = "The identity you decide as (never the one that made the call); your login name by default.",
            DefaultValueFactory = _ => Environment.UserName,
        };
        var verb = approve ? "approve" : "deny";
        var command = new Command(verb, approve
            ? "Approve a held call; once it has the approvals its rule needs, it runs, once.\n\nExample:\n  gatehouse approvals approve ap_3f2a9c0d1e4b5a6f --reason \"checked the list\""
            : "Deny a held call: it never runs, and the agent is told why.\n\nExample:\n  gatehouse approvals deny ap_3f2a9c0d1e4b5a6f --reason \"wrong list\"")
        {
            config, id, reason, approver,
        };
        command.SetAction((parse, cancellationToken) => StoreCommands.RunAsync(parse, config, async (services, output) =>
        {
            var queue = services.GetRequiredService<ApprovalQueue>();
            var target = parse.GetRequiredValue(id);
            var result = approve
                ? await queue.ApproveAsync(target, parse.GetRequiredValue(approver), parse.GetValue(reason), cancellationToken)
                : await queue.DenyAsync(target, parse.GetRequiredValue(approver), parse.GetValue(reason), cancellationToken);
            var message = ApprovalJson.Describe(result, target);
            if (result.Outcome is ApprovalOutcome.Recorded or ApprovalOutcome.Approved or ApprovalOutcome.Denied)
            {
                output.WriteLine(message);
                return ExitCodes.Ok;
            }

            parse.InvocationConfiguration.Error.WriteLine(message);
            return ExitCodes.Failed;
        }));
        return command;
    }
}
