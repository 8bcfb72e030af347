namespace Gatehouse.Configuration;

/// <summary>Builds the field names in errors: <c>mcpServers.listmonk.command</c>, <c>grants[0].id</c>.</summary>
internal static class FieldPath
{
    public static string Member(string parent, string name) => parent.Length == 0 ? name : $"{parent}.{name}";

    public static string Item(string parent, int index) => $"{parent}[{index}]";
}
