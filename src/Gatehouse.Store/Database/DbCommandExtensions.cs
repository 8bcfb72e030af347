using System.Data;
using System.Data.Common;

namespace Gatehouse.Store.Database;

/// <summary>Parameterised commands in the one syntax (<c>@name</c>) that both providers accept.</summary>
internal static class DbCommandExtensions
{
    public static DbCommand CreateCommand(this DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    public static DbCommand With(this DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
        return command;
    }

    /// <summary>Text that may be null, typed so that PostgreSQL knows the type of a null.</summary>
    public static DbCommand WithText(this DbCommand command, string name, string? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = DbType.String;
        parameter.Value = (object?)value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return command;
    }

    public static DbCommand WithTime(this DbCommand command, string name, DateTimeOffset? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        // Typed even when null: PostgreSQL cannot infer the type of an untyped null parameter everywhere.
        parameter.DbType = DbType.Int64;
        parameter.Value = value is { } time ? StoredTime.ToStored(time) : DBNull.Value;
        command.Parameters.Add(parameter);
        return command;
    }

    public static DateTimeOffset? GetTime(this DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : StoredTime.FromStored(reader.GetInt64(ordinal));

    public static async Task<int> ExecuteAsync(this DbConnection connection, string sql, CancellationToken cancellationToken,
        DbTransaction? transaction = null)
    {
        await using var command = connection.CreateCommand(sql, transaction);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
