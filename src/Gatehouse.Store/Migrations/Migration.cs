namespace Gatehouse.Store.Migrations;

/// <summary>
/// One versioned schema change, written once per backend because their DDL types differ.
/// Applied at most once per database, in a transaction of its own; never edited once released.
/// </summary>
internal sealed record Migration(int Version, string Name, string Sqlite, string Postgres)
{
    public string SqlFor(StoreBackendKind backend) => backend switch
    {
        StoreBackendKind.Sqlite => Sqlite,
        StoreBackendKind.Postgres => Postgres,
        _ => throw new ArgumentOutOfRangeException(nameof(backend), backend, null),
    };
}
