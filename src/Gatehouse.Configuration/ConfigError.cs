namespace Gatehouse.Configuration;

/// <summary>
/// One problem in a configuration file. <paramref name="Line"/> and <paramref name="Column"/> are 1-based
/// (columns count UTF-16 characters, as editors do); both are 0 for a problem with the file as a whole.
/// <paramref name="Field"/> is a path such as <c>mcpServers.listmonk.command</c> or <c>grants[0].server</c>,
/// empty for the document itself.
/// </summary>
public sealed record ConfigError(string File, int Line, int Column, string Field, string Message)
{
    public override string ToString()
    {
        var location = Line > 0 ? $"{File}:{Line}:{Column}" : File;
        return Field.Length > 0 ? $"{location}: {Field}: {Message}" : $"{location}: {Message}";
    }
}
