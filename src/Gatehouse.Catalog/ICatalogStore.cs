namespace Gatehouse.Catalog;

/// <summary>
/// Where the catalog lives: every definition each server has listed (history), what it lists now, and the
/// pinned definition of each tool. Shared by every Gatehouse on one store, and by the CLI.
/// </summary>
public interface ICatalogStore
{
    /// <summary>What <paramref name="server"/> listed last, of every kind, and its pins.</summary>
    Task<ServerCatalog> LoadAsync(string server, CancellationToken cancellationToken);

    /// <summary>
    /// Records a complete listing of one kind: definitions not seen before join the history, those seen again are
    /// marked seen now, and the listing becomes what the server lists now.
    /// </summary>
    /// <returns>The definitions that were new to the history.</returns>
    Task<IReadOnlyList<ListedItem>> RecordListingAsync(string server, CatalogKind kind, IReadOnlyList<ListedItem> items, DateTimeOffset now,
        CancellationToken cancellationToken);

    /// <summary>Pins each definition whose tool has no pin yet; a tool pinned meanwhile keeps its pin.</summary>
    /// <returns>The tools this call pinned.</returns>
    Task<IReadOnlyList<ToolPin>> PinFirstSeenAsync(IReadOnlyList<ToolPin> pins, CancellationToken cancellationToken);

    /// <summary>Pins <paramref name="pin"/> in place of any pin the tool had: an operator accepted it.</summary>
    Task AcceptAsync(ToolPin pin, CancellationToken cancellationToken);

    /// <summary>Every definition of one item seen, newest first.</summary>
    Task<IReadOnlyList<CatalogItem>> HistoryAsync(string server, CatalogKind kind, string name, CancellationToken cancellationToken);
}

/// <summary>The catalog's store cannot be reached.</summary>
public sealed class CatalogUnavailableException : Exception
{
    public CatalogUnavailableException()
    {
    }

    public CatalogUnavailableException(string message)
        : base(message)
    {
    }

    public CatalogUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
