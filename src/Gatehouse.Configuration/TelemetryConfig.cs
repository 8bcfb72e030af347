namespace Gatehouse.Configuration;

/// <summary>Metrics and traces through OpenTelemetry.</summary>
public sealed record TelemetryConfig
{
    /// <summary>Serves Prometheus's text format at <c>/metrics</c>.</summary>
    public bool Prometheus { get; init; }

    /// <summary>An OTLP/HTTP collector (e.g. <c>http://127.0.0.1:4318</c>) to send metrics and traces to; null sends none.</summary>
    public Uri? Otlp { get; init; }
}
