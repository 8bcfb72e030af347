using System.Diagnostics.Metrics;
using Gatehouse.Audit;
using Gatehouse.Relay;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Tests.Audit;

/// <summary>The names an agent chooses cannot grow the metrics without end.</summary>
public sealed class MetricDimensionTests
{
    [Fact]
    public void Tool_and_method_names_past_the_bound_count_as_other()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var telemetry = new GatehouseTelemetry(services.GetRequiredService<IMeterFactory>());
        var tools = new List<string>();
        var methods = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == GatehouseTelemetry.Name && instrument.Name == "gatehouse.decisions")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Value is string value)
                {
                    (tag.Key == "tool" ? tools : tag.Key == "method" ? methods : null)?.Add(value);
                }
            }
        });
        listener.Start();

        for (var i = 0; i < GatehouseTelemetry.MaxDistinctValues + 10; i++)
        {
            telemetry.Decided(Decision(RequestMethods.ToolsCall, $"made_up_{i}"));
            telemetry.Decided(Decision($"made/up/{i}", null));
        }

        telemetry.Decided(Decision(RequestMethods.ToolsCall, "made_up_0"));

        Assert.Equal(GatehouseTelemetry.MaxDistinctValues + 1, tools.Distinct().Count());
        Assert.Equal(GatehouseTelemetry.Other, tools[^2]);
        Assert.Equal("made_up_0", tools[^1]);
        Assert.Equal(GatehouseTelemetry.MaxDistinctValues + 1, methods.Distinct().Count());
        Assert.Contains(GatehouseTelemetry.Other, methods);
    }

    private static AuditEvent Decision(string method, string? tool) => new()
    {
        Time = DateTimeOffset.UnixEpoch,
        Kind = AuditKinds.Decision,
        Server = "test",
        Method = method,
        Target = tool,
        Decision = AuditDecisions.Deny,
    };
}
