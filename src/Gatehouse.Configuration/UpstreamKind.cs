namespace Gatehouse.Configuration;

public enum UpstreamKind
{
    /// <summary>Launched by Gatehouse as a child process speaking MCP over stdin/stdout.</summary>
    Stdio,

    /// <summary>Reached over the network by URL.</summary>
    Http,
}
