using System.Security.Claims;
using Gatehouse.Configuration;

namespace Gatehouse.Relay;

/// <summary>Where sessions share a pool of server processes instead of each starting its own.</summary>
public interface ISharedUpstreams
{
    /// <summary>
    /// The connector for a session of <paramref name="user"/> on <paramref name="server"/>: one onto the grant's pool when
    /// the operator lets sessions share it (<c>"pool": { "sessions": true }</c>), else null (a process of the session's own).
    /// </summary>
    IUpstreamConnector? SessionConnector(UpstreamServerConfig server, ClaimsPrincipal? user);
}
