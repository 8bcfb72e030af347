using Microsoft.Win32.SafeHandles;

namespace Gatehouse.Store.Database;

/// <summary>
/// Puts a SQLite database's committed transactions on disk after the fact: an fsync of its write-ahead log, which is
/// what <c>synchronous = FULL</c> does inside each commit. A writer that commits at <c>NORMAL</c> (written, readable,
/// safe from a crash of the process) lets its callers go on at once and flushes once for everything it committed.
/// </summary>
/// <remarks>
/// Opened once the log file exists, and used only while the connection that writes to it stays open: SQLite deletes
/// the log when its last connection closes, and a handle to a deleted file would flush nothing of its successor.
/// SQLite's own locks are on the database and its shared-memory file, never on the log, so this second handle to
/// the log disturbs none of them.
/// </remarks>
internal sealed class WriteAheadLogFlush(string databasePath) : IDisposable
{
    private SafeFileHandle? _log;

    public void Flush()
    {
        _log ??= File.OpenHandle(databasePath + "-wal", FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        RandomAccess.FlushToDisk(_log);
    }

    public void Dispose() => _log?.Dispose();
}
