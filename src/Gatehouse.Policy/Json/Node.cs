using System.Text.Json;

namespace Gatehouse.Policy.Json;

/// <summary>A value of a document under validation together with its path, which locates it for errors.</summary>
internal readonly record struct Node(JsonElement Element, string Path)
{
    public JsonValueKind Kind => Element.ValueKind;
}
