using Gatehouse.Policy;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Decisions;

/// <summary>
/// A policy file compiled, and compiled again when it is saved. An edit that does not compile is refused and
/// logged with its errors; the policy in force stays in force.
/// </summary>
public sealed partial class PolicyFile : IDisposable
{
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(250);

    private readonly ILogger _logger;
    private readonly ITimer _poll;
    private readonly Lock _reloadGate = new();
    private FileStamp _stamp;
    private volatile CompiledPolicy _current;

    private PolicyFile(string path, CompiledPolicy policy, FileStamp stamp, TimeProvider time, ILogger logger)
    {
        Path = path;
        _current = policy;
        _stamp = stamp;
        _logger = logger;
        // Polling a file's stamp costs one stat call; unlike file-system events it works on every file system and editor.
        _poll = time.CreateTimer(_ => Reload(), null, s_pollInterval, s_pollInterval);
    }

    /// <summary>The file's absolute path.</summary>
    public string Path { get; }

    /// <summary>The policy in force.</summary>
    public CompiledPolicy Current => _current;

    /// <summary>Compiles <paramref name="path"/> and starts watching it.</summary>
    /// <exception cref="PolicyLoadException">The file cannot be read or does not compile.</exception>
    public static PolicyFile Load(string path, TimeProvider time, ILogger logger)
    {
        FileStamp stamp;
        PolicyCompileResult result;
        try
        {
            stamp = FileStamp.Of(path);
            result = Compile(path);
        }
        catch (IOException ex)
        {
            throw new PolicyLoadException(path, [new PolicyError(0, 0, "", $"cannot be read: {ex.Message}")]);
        }

        return result.Succeeded
            ? new PolicyFile(path, result.Policy, stamp, time, logger)
            : throw new PolicyLoadException(path, result.Errors);
    }

    /// <summary>Compiles the file again if it changed since it was last read.</summary>
    public void Reload()
    {
        lock (_reloadGate)
        {
            FileStamp stamp;
            try
            {
                stamp = FileStamp.Of(Path);
            }
            catch (IOException ex)
            {
                LogUnreadable(Path, ex.Message);
                return;
            }

            if (stamp == _stamp)
            {
                return;
            }

            _stamp = stamp;
            PolicyCompileResult result;
            try
            {
                result = Compile(Path);
            }
            catch (IOException ex)
            {
                LogUnreadable(Path, ex.Message);
                return;
            }

            if (result.Succeeded)
            {
                _current = result.Policy;
                LogReloaded(Path);
            }
            else
            {
                LogRefused(Path, string.Join(Environment.NewLine, result.Errors.Select(e => $"{Path}:{e}")));
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _poll.Dispose();

    private static PolicyCompileResult Compile(string path) => PolicyCompiler.Compile(File.ReadAllText(path));

    private readonly record struct FileStamp(DateTime Modified, long Length)
    {
        public static FileStamp Of(string path)
        {
            var info = new FileInfo(path);
            return info.Exists ? new(info.LastWriteTimeUtc, info.Length) : throw new FileNotFoundException($"{path} does not exist.", path);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Policy {Path} changed and is now in force.")]
    private partial void LogReloaded(string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Policy {Path} changed but does not compile; the previous policy stays in force:\n{Errors}")]
    private partial void LogRefused(string path, string errors);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Policy {Path} cannot be read ({Reason}); the previous policy stays in force.")]
    private partial void LogUnreadable(string path, string reason);
}

/// <summary>Policy files could not be loaded: each error as <c>FILE:LINE:COLUMN: PATH: MESSAGE</c>.</summary>
public sealed class PolicyLoadException : Exception
{
    /// <summary>One file's errors.</summary>
    public PolicyLoadException(string path, IReadOnlyList<PolicyError> errors)
        : this([.. errors.Select(e => $"{path}:{e}")])
    {
    }

    /// <summary>Several files' errors together.</summary>
    public PolicyLoadException(IReadOnlyList<PolicyLoadException> failures)
        : this([.. failures.SelectMany(f => f.Errors)])
    {
    }

    private PolicyLoadException(IReadOnlyList<string> errors)
        : base(string.Join(Environment.NewLine, errors)) => Errors = errors;

    /// <summary>Every error, each with its file, line and column.</summary>
    public IReadOnlyList<string> Errors { get; }
}
