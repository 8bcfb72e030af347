using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Gatehouse.Demo.Data;

/// <summary>Reads the column shapes the demo stores: text, ids, flags, and JSON kept as text.</summary>
internal static class Columns
{
    public static string Text(this SqliteDataReader reader, string column) => reader.GetString(reader.GetOrdinal(column));

    public static string? NullableText(this SqliteDataReader reader, string column)
    {
        var ordinal = reader.GetOrdinal(column);
        return reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
    }

    public static long Id(this SqliteDataReader reader, string column) => reader.GetInt64(reader.GetOrdinal(column));

    public static long? NullableId(this SqliteDataReader reader, string column)
    {
        var ordinal = reader.GetOrdinal(column);
        return reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);
    }

    public static bool Flag(this SqliteDataReader reader, string column) => reader.GetInt64(reader.GetOrdinal(column)) != 0;

    public static JsonNode? Json(this SqliteDataReader reader, string column) => JsonNode.Parse(reader.Text(column));

    public static string ToColumn(this JsonNode node) => node.ToJsonString();

    public static string ToColumn(this IEnumerable<string> values) => new JsonArray([.. values.Select(value => JsonValue.Create(value))]).ToJsonString();
}
