using ModelContextProtocol;

namespace Gatehouse.Relay;

/// <summary>A request Gatehouse made of its own to an upstream found it restarting (after a crash): try again shortly.</summary>
public sealed class UpstreamRestartingException(string server) : McpException($"Upstream server '{server}' is restarting.");
