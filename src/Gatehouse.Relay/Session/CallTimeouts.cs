using Gatehouse.Configuration;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay.Session;

/// <summary>How long the relay waits for the upstream's answer to a request.</summary>
internal static class CallTimeouts
{
    // A process that starts cold (node, a JIT) may need longer to answer initialize than any call should take.
    private static readonly TimeSpan s_minimumStartTimeout = TimeSpan.FromSeconds(60);

    public static TimeSpan Of(UpstreamServerConfig server, string method) =>
        method == RequestMethods.Initialize && server.CallTimeout < s_minimumStartTimeout ? s_minimumStartTimeout : server.CallTimeout;
}
