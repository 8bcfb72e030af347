using Microsoft.Extensions.Options;
using Npgsql;

namespace Gatehouse.Store;

/// <summary>Rejects store options that name no database, or a PostgreSQL connection string Npgsql cannot read.</summary>
internal sealed class StoreOptionsValidator : IValidateOptions<StoreOptions>
{
    public ValidateOptionsResult Validate(string? name, StoreOptions options)
    {
        if (options.Backend == StoreBackendKind.Postgres)
        {
            try
            {
                _ = new NpgsqlConnectionStringBuilder(options.PostgresConnectionString);
            }
            catch (ArgumentException e)
            {
                // Npgsql's message names the bad keyword, not the values, so no password leaks into it.
                return ValidateOptionsResult.Fail($"The PostgreSQL connection string is invalid: {e.Message}");
            }

            return ValidateOptionsResult.Success;
        }

        return options.ResolveSqlitePath() is null
            ? ValidateOptionsResult.Fail(
                "The state store needs a data directory (DataDir), a SQLite file (SqlitePath) or a PostgreSQL connection string.")
            : ValidateOptionsResult.Success;
    }
}
