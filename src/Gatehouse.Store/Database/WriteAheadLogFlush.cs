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
internal sealed class WriteAheadLogFlush : IDisposable
{
    // Opened at once, so that a log that cannot be flushed fails the commit that switched to writing without it.
    // SQLite keeps its log beside the file a symbolic link leads to; write access, which Windows needs to flush.
    private readonly SafeFileHandle _log;

    public WriteAheadLogFlush(string databasePath)
    {
        var file = new FileInfo(Path.GetFullPath(databasePath));
        var resolved = file.LinkTarget is null ? file.FullName : file.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? file.FullName;
        _log = File.OpenHandle(resolved + "-wal", FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
    }

    public void Flush() => RandomAccess.FlushToDisk(_log);

    public void Dispose() => _log.Dispose();
}
