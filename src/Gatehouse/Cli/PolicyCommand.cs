using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Catalog;
using Gatehouse.Decisions;
using Gatehouse.Policy;

namespace Gatehouse.Cli;

/// <summary><c>gatehouse policy validate | test | explain</c>: the operator's tools for writing policies.</summary>
internal static class PolicyCommand
{
    public static Command Create() => new("policy", "Check, test and explain policies before they guard a server.")
    {
        Validate(),
        Test(),
        Explain(),
        Suggest(),
    };

    private static Command Validate()
    {
        var file = PolicyFileArgument("policy", "The policy file to check.");
        var command = new Command("validate",
            "Check a policy file: exit 0 when it is valid, or print each error with line and column and exit 1.\n\n" +
            "Example:\n  gatehouse policy validate policies/marketing.json")
        {
            file,
        };
        command.SetAction(parse =>
        {
            var path = parse.GetRequiredValue(file);
            if (Compile(path, parse.InvocationConfiguration.Error) is null)
            {
                return ExitCodes.Failed;
            }

            parse.InvocationConfiguration.Output.WriteLine($"{path.FullName}: valid");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Test()
    {
        var policy = PolicyFileArgument("policy", "The policy file.");
        var cases = PolicyFileArgument("cases",
            "A JSON array of cases: {\"name\", \"tool\" | \"resource\" | \"prompt\", \"arguments\", \"expect\"}. Left out: the policy's own, NAME.cases.json beside it.");
        cases.Arity = ArgumentArity.ZeroOrOne;
        var json = CommonOptions.Json();
        var command = new Command("test",
            "Run decision test cases against a policy, like 'opa test': print each failure and a closing 'N passed, N failed' line; exit 1 on any failure.\n\n" +
            "Example:\n  gatehouse policy test policies/marketing.json policies/marketing.cases.json\n  gatehouse policy test policies/marketing.json    (runs policies/marketing.cases.json)")
        {
            policy,
            cases,
            json,
        };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var casesFile = parse.GetValue(cases) ?? new FileInfo(PolicyCases.PathFor(parse.GetRequiredValue(policy).FullName));
            if (!casesFile.Exists)
            {
                error.WriteLine($"{casesFile.FullName}: no such cases file; name one, or keep the policy's cases beside it as {casesFile.Name}.");
                return ExitCodes.Usage;
            }

            if (Compile(parse.GetRequiredValue(policy), error) is not { } compiled)
            {
                return ExitCodes.Failed;
            }

            var report = PolicyTestRunner.Run(compiled, File.ReadAllText(casesFile.FullName));
            foreach (var problem in report.Errors)
            {
                error.WriteLine($"{casesFile.FullName}:{problem}");
            }

            if (parse.GetValue(json))
            {
                output.WriteLine(new JsonArray([.. report.Results.Select(r => (JsonNode)new JsonObject
                {
                    ["name"] = r.Name,
                    ["line"] = r.Line,
                    ["passed"] = r.Passed,
                    ["expected"] = r.Expected,
                    ["actual"] = r.Actual,
                    ["rule"] = r.Decision.Rule,
                })]).ToJsonString(CommonOptions.JsonOutput));
            }
            else
            {
                foreach (var failure in report.Results.Where(r => !r.Passed))
                {
                    output.WriteLine($"{casesFile.FullName}:{failure}");
                }
            }

            output.WriteLine(report.Summary);
            return report.Succeeded ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    private static Command Explain()
    {
        var policy = new Option<FileInfo>("--policy", "-p") { Description = "The policy file.", Required = true };
        var tool = new Option<string?>("--tool") { Description = "The tool called." };
        var resource = new Option<string?>("--resource") { Description = "The resource read, by URI." };
        var prompt = new Option<string?>("--prompt") { Description = "The prompt fetched." };
        var arguments = new Option<string?>("--args") { Description = "The call's arguments, as a JSON object." };
        var identity = new Option<string?>("--identity") { Description = "Who calls (shown in the explanation; counters are per scope at run time)." };
        var json = CommonOptions.Json();
        var command = new Command("explain",
            "Show the decision a policy makes for one call, and the trace of rules that produced it.\n\n" +
            "Example:\n  gatehouse policy explain --policy policy.json --identity ci-bot --tool send_campaign --args '{\"campaign_id\":3}'")
        {
            policy, tool, resource, prompt, arguments, identity, json,
        };
        command.Validators.Add(result =>
        {
            var targets = new[] { tool, resource, prompt }.Count(o => result.GetValue(o) is not null);
            if (targets != 1)
            {
                result.AddError("Give exactly one of --tool, --resource or --prompt.");
            }

            if (result.GetValue(arguments) is { } text && !IsJsonObject(text))
            {
                result.AddError($"--args must be a JSON object, e.g. '{{\"campaign_id\":3}}', not: {text}");
            }
        });
        command.SetAction(parse =>
        {
            if (Compile(parse.GetRequiredValue(policy), parse.InvocationConfiguration.Error) is not { } compiled)
            {
                return ExitCodes.Failed;
            }

            JsonElement? args = parse.GetValue(arguments) is { } text ? JsonDocument.Parse(text).RootElement : null;
            var explanation = parse.GetValue(tool) is { } toolName ? PolicyExplainer.ExplainTool(compiled, toolName, args)
                : parse.GetValue(resource) is { } uri ? PolicyExplainer.ExplainResource(compiled, uri)
                : PolicyExplainer.ExplainPrompt(compiled, parse.GetRequiredValue(prompt)!, args);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                output.WriteLine(new JsonObject
                {
                    ["identity"] = parse.GetValue(identity),
                    ["decision"] = explanation.Decision.Kind.ToString(),
                    ["rule"] = explanation.Decision.Rule,
                    ["reason"] = explanation.Decision.Reason,
                    ["counters"] = new JsonArray([.. explanation.Decision.Counters.Select(c => (JsonNode)new JsonObject
                    {
                        ["counter"] = c.Name,
                        ["max"] = c.Max,
                        ["windowSeconds"] = c.Window.TotalSeconds,
                        ["scope"] = c.Scope.ToString().ToLowerInvariant(),
                    })]),
                    ["trace"] = new JsonArray([.. explanation.Trace.Select(s => (JsonNode)new JsonObject
                    {
                        ["stage"] = s.Stage,
                        ["rule"] = s.Rule,
                        ["matched"] = s.Matched,
                        ["outcome"] = s.Outcome,
                    })]),
                }.ToJsonString(CommonOptions.JsonOutput));
            }
            else
            {
                if (parse.GetValue(identity) is { } who)
                {
                    output.WriteLine($"identity: {who}");
                }

                output.Write(explanation);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Suggest()
    {
        var config = CommonOptions.Config();
        var server = CatalogCommand.ServerArgument();
        var refresh = CatalogCommand.Refresh();
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Write the policy to this file (refused if it exists) instead of printing it." };
        var command = new Command("suggest",
            "Write a starting policy for a server from its catalog: default deny, reads allowed, writes and executions rate-limited, destructive tools " +
            "held for approval, each rule with its reason. It validates and loads as written; review it, then point a grant at it.\n\n" +
            "Example:\n  gatehouse policy suggest listmonk -o policies/listmonk.json")
        {
            config, server, refresh, output,
        };
        command.SetAction((parse, cancellationToken) => StoreCommands.RunAsync(parse, config, async (services, writer) =>
        {
            if (await CatalogCommand.ReportAsync(services, parse, server, refresh, cancellationToken) is not { } report)
            {
                return ExitCodes.Usage;
            }

            var text = PolicySuggestion.For(report).ToJsonString(CommonOptions.JsonOutput) + Environment.NewLine;
            var compiled = PolicyCompiler.Compile(text);
            if (compiled.Policy is null)
            {
                // A suggestion that does not load would be a bug of Gatehouse's, never something to hand an operator.
                parse.InvocationConfiguration.Error.WriteLine($"The suggested policy does not compile: {string.Join("; ", compiled.Errors)}");
                return ExitCodes.Failed;
            }

            if (parse.GetValue(output) is not { } file)
            {
                writer.Write(text);
                return ExitCodes.Ok;
            }

            if (file.Exists)
            {
                parse.InvocationConfiguration.Error.WriteLine($"{file.FullName} exists; choose another file or remove it first.");
                return ExitCodes.Usage;
            }

            file.Directory?.Create();
            await File.WriteAllTextAsync(file.FullName, text, cancellationToken);
            writer.WriteLine($"Wrote a policy for {report.Tools.Count} tools of server '{report.Server}' to {file.FullName}.");
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>Compiles a policy file, or prints its errors (each with file, line and column) and returns null.</summary>
    private static CompiledPolicy? Compile(FileInfo file, TextWriter error)
    {
        var result = PolicyCompiler.Compile(File.ReadAllText(file.FullName));
        foreach (var problem in result.Errors)
        {
            error.WriteLine($"{file.FullName}:{problem}");
        }

        return result.Policy;
    }

    private static Argument<FileInfo> PolicyFileArgument(string name, string description)
    {
        var argument = new Argument<FileInfo>(name) { Description = description };
        argument.AcceptExistingOnly();
        return argument;
    }

    private static bool IsJsonObject(string text)
    {
        try
        {
            return JsonNode.Parse(text) is JsonObject;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
