using Gatehouse.Configuration.Json;

namespace Gatehouse.Configuration.Binding;

internal static class TelemetryBinder
{
    private static readonly string[] Fields = ["prometheus", "otlp"];

    public static TelemetryConfig Bind(JsonObjectNode telemetry, string path, ConfigErrorList errors)
    {
        var fields = ObjectFields.Open(telemetry, path, Fields, errors);
        Uri? otlp = null;
        if (fields?.Text("otlp") is { } text)
        {
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                otlp = uri;
            }
            else
            {
                fields.Report("otlp", $"must be an http:// or https:// URL of an OTLP collector, not '{text}'");
            }
        }

        return new TelemetryConfig { Prometheus = fields?.Boolean("prometheus") ?? false, Otlp = otlp };
    }
}
