using Gatehouse.Configuration;
using Gatehouse.Relay;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Gatehouse.Hosting;

/// <summary>Exports <see cref="GatehouseTelemetry"/>'s metrics and traces where the configuration's <c>telemetry</c> says.</summary>
public static class TelemetryServices
{
    /// <summary>Where Prometheus scrapes, when <c>telemetry.prometheus</c> is on.</summary>
    public const string ScrapePath = "/metrics";

    public static IServiceCollection AddGatehouseTelemetry(this IServiceCollection services, TelemetryConfig telemetry)
    {
        ArgumentNullException.ThrowIfNull(telemetry);
        if (!telemetry.Prometheus && telemetry.Otlp is null)
        {
            return services;
        }

        var otel = services.AddOpenTelemetry();
        otel.WithMetrics(metrics =>
        {
            metrics.AddMeter(GatehouseTelemetry.Name);
            if (telemetry.Prometheus)
            {
                // The runtime's own meter (GC heap, committed memory, threads) is what an operator sizing memory
                // reads next to the process's resident size.
                metrics.AddMeter("System.Runtime");
                metrics.AddPrometheusExporter();
            }

            if (telemetry.Otlp is { } endpoint)
            {
                metrics.AddOtlpExporter(o => Point(o, endpoint, "v1/metrics"));
            }
        });
        if (telemetry.Otlp is { } traces)
        {
            otel.WithTracing(tracing => tracing
                .AddSource(GatehouseTelemetry.Name)
                .AddOtlpExporter(o => Point(o, traces, "v1/traces")));
        }

        return services;
    }

    /// <summary>Maps <see cref="ScrapePath"/> when Prometheus is on.</summary>
    public static WebApplication MapGatehouseTelemetry(this WebApplication app, TelemetryConfig telemetry)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (telemetry.Prometheus)
        {
            app.MapPrometheusScrapingEndpoint(ScrapePath);
        }

        return app;
    }

    // OTLP/HTTP wants the signal's own path on the collector's base address.
    private static void Point(OtlpExporterOptions options, Uri collector, string signal)
    {
        options.Protocol = OtlpExportProtocol.HttpProtobuf;
        options.Endpoint = new Uri(collector, collector.AbsolutePath.TrimEnd('/') + "/" + signal);
    }
}
