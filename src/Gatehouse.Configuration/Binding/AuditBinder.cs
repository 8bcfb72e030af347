using Gatehouse.Configuration.Json;

namespace Gatehouse.Configuration.Binding;

internal static class AuditBinder
{
    private static readonly string[] Fields = ["enabled", "failOpen", "onDiskBefore", "checkpointKey"];

    private const int MinimumKeyLength = 16;

    public static AuditConfig Bind(JsonObjectNode audit, string path, EnvironmentExpander environment, ConfigErrorList errors)
    {
        var fields = ObjectFields.Open(audit, path, Fields, errors);
        // A signing key is a secret: ${env:NAME} or ${file:PATH} keep it out of the file.
        var key = fields?.String("checkpointKey") is { } text ? environment.Expand(text, fields.PathOf("checkpointKey")) : null;
        if (key is not null && key.Length < MinimumKeyLength)
        {
            fields!.Report("checkpointKey", $"must be at least {MinimumKeyLength} characters long");
        }

        var onDiskBefore = fields?.String("onDiskBefore");
        if (onDiskBefore is not null && onDiskBefore.Value is not ("forward" or "answer"))
        {
            fields!.Report("onDiskBefore", $"must be \"forward\" or \"answer\", not '{onDiskBefore.Value}'");
        }

        return new AuditConfig
        {
            Enabled = fields?.Boolean("enabled") ?? true,
            FailOpen = fields?.Boolean("failOpen") ?? false,
            OnDiskBeforeForward = onDiskBefore?.Value != "answer",
            CheckpointKey = key,
        };
    }
}
