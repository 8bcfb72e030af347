namespace Gatehouse.Policy.Tests;

public class ConcurrencyTests
{
    [Fact]
    public void One_compiled_policy_decides_correctly_on_many_threads_at_once()
    {
        var policy = Policies.Tools("""
            { "send_campaign": { "arguments": {
                "schema": { "type": "object", "properties": { "list_ids": { "type": "array", "maxItems": 2 } } },
                "conditions": { "subject": { "pattern": "[a-z ]*", "optional": true } } } },
              "get_*": "allow" }
            """);
        var valid = Policies.Args("""{ "list_ids": [1, 2], "subject": "spring sale" }""");
        var invalid = Policies.Args("""{ "list_ids": [1, 2, 3] }""");
        var wrong = 0;

        Parallel.For(0, 20_000, i =>
        {
            var decision = (i % 3) switch
            {
                0 => policy.DecideTool("send_campaign", valid),
                1 => policy.DecideTool("send_campaign", invalid),
                _ => policy.DecideTool("get_list", null),
            };
            var expected = i % 3 == 1 ? DecisionKind.InvalidArguments : DecisionKind.Allow;
            if (decision.Kind != expected)
            {
                Interlocked.Increment(ref wrong);
            }
        });

        Assert.Equal(0, wrong);
    }
}
