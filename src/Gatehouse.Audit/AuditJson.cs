using System.Text.Json.Nodes;

namespace Gatehouse.Audit;

/// <summary>
/// The one JSON shape of a record, for <c>audit query --json</c>, <c>audit export</c> and the admin API. Every field
/// the hash covers is written exactly as stored (the arguments as their JSON text), so an exported log can be
/// verified outside Gatehouse.
/// </summary>
public static class AuditJson
{
    public static JsonObject Of(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var e = record.Event;
        return new JsonObject
        {
            ["sequence"] = record.Sequence,
            ["time"] = e.Time.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
            ["kind"] = e.Kind,
            ["identity"] = e.Identity,
            ["grant"] = e.Grant,
            ["server"] = e.Server,
            ["session"] = e.Session,
            ["requestId"] = e.RequestId,
            ["method"] = e.Method,
            ["target"] = e.Target,
            ["arguments"] = e.Arguments,
            ["decision"] = e.Decision,
            ["rule"] = e.Rule,
            ["reason"] = e.Reason,
            ["outcome"] = e.Outcome,
            ["latencyMicroseconds"] = e.LatencyMicroseconds,
            ["previousHash"] = record.PreviousHash,
            ["hash"] = record.Hash,
        };
    }

    public static JsonObject Of(AuditVerification verification)
    {
        ArgumentNullException.ThrowIfNull(verification);
        return new JsonObject
        {
            ["intact"] = verification.Intact,
            ["checked"] = verification.Checked,
            ["firstBroken"] = verification.FirstBroken,
            ["problem"] = verification.Problem,
            ["headSequence"] = verification.HeadSequence,
            ["headHash"] = verification.HeadHash,
        };
    }
}
