using System.Data.Common;
using Gatehouse.Store.Database;

namespace Gatehouse.Store.OAuth;

/// <summary>The filter OpenIddict's look-ups and revocations share: any of subject, client, status and type, each when given.</summary>
internal static class OAuthFilter
{
    public static (string Where, Func<DbCommand, DbCommand> Parameters) Of(string? subject, string? client, string? status, string? type)
    {
        var conditions = new List<string>();
        var values = new List<(string, string)>();
        Add("subject", subject);
        Add("application_id", client);
        Add("status", status);
        Add("type", type);
        return (conditions.Count == 0 ? "" : $" WHERE {string.Join(" AND ", conditions)}", command =>
        {
            foreach (var (name, value) in values)
            {
                command.With(name, value);
            }

            return command;
        }
        );

        void Add(string column, string? value)
        {
            if (value is not null)
            {
                conditions.Add($"{column} = @{column}");
                values.Add(($"@{column}", value));
            }
        }
    }

    /// <summary>Sets a property of an entity as OpenIddict's setters do: in memory, until the entity is created or updated.</summary>
    public static ValueTask Set(Action assign)
    {
        assign();
        return ValueTask.CompletedTask;
    }
}
