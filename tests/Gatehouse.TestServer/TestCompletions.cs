using ModelContextProtocol.Protocol;

namespace Gatehouse.TestServer;

/// <summary>
/// Answers completion/complete with the known values that start with what was typed, so a relay
/// test can tell a real answer from an empty one.
/// </summary>
internal static class TestCompletions
{
    private static readonly string[] PromptArgumentValues = ["paris", "park", "party", "test-value"];
    private static readonly string[] TemplateIds = ["1", "12", "123", "42"];

    public static CompleteResult Complete(CompleteRequestParams? request)
    {
        string[] candidates = request?.Ref switch
        {
            PromptReference { Name: "test_prompt_with_arguments" } => PromptArgumentValues,
            ResourceTemplateReference { Uri: "test://template/{id}/data" } when request.Argument.Name == "id" => TemplateIds,
            _ => [],
        };
        var typed = request?.Argument.Value ?? "";
        var values = candidates.Where(v => v.StartsWith(typed, StringComparison.OrdinalIgnoreCase)).ToList();
        return new CompleteResult { Completion = new Completion { Values = values, Total = values.Count, HasMore = false } };
    }
}
