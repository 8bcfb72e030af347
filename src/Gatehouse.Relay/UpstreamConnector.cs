using Gatehouse.Configuration;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Authentication;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay;

/// <summary>Opens a fresh session transport to an upstream server.</summary>
public interface IUpstreamConnector
{
    /// <summary>Starts the server's process (stdio) or opens an HTTP session transport to it.</summary>
    Task<ITransport> ConnectAsync(UpstreamServerConfig server, CancellationToken cancellationToken);

    /// <summary>
    /// Opens the stream on which the server behind <paramref name="session"/> sends messages of its own accord (a
    /// Streamable HTTP server's GET stream), or returns <see langword="null"/> when the session's transport already
    /// carries them (stdio, legacy SSE) or the server keeps no sessions.
    /// </summary>
    Task<ITransport?> ListenAsync(UpstreamServerConfig server, ITransport session, string? protocolVersion, CancellationToken cancellationToken);
}

/// <summary>Connects with the MCP SDK's own client transports, so the relay never frames a message itself.</summary>
/// <param name="httpClientFactory">The HTTP clients of upstreams.</param>
/// <param name="loggerFactory">Logging.</param>
/// <param name="handlers">
/// The handlers under those clients, for a server of <c>"defaultEndpoints": true</c> to get a client of its own; without
/// them, no metadata is ever made up.
/// </param>
public sealed partial class UpstreamConnector(IHttpClientFactory httpClientFactory, ILoggerFactory loggerFactory, IHttpMessageHandlerFactory? handlers = null)
    : IUpstreamConnector
{
    /// <summary>The name of the <see cref="HttpClient"/> used for HTTP upstreams.</summary>
    public const string HttpClientName = "gatehouse-upstream";

    private static readonly TimeSpan s_processShutdownTimeout = TimeSpan.FromSeconds(5);
    private readonly ILogger _logger = loggerFactory.CreateLogger<UpstreamConnector>();

    /// <inheritdoc />
    public Task<ITransport> ConnectAsync(UpstreamServerConfig server, CancellationToken cancellationToken) =>
        ConnectAsync(server, oauth: null, cancellationToken);

    /// <summary>As <see cref="ConnectAsync(UpstreamServerConfig, CancellationToken)"/>, as one person's OAuth client when <paramref name="oauth"/> is set.</summary>
    internal Task<ITransport> ConnectAsync(UpstreamServerConfig server, ClientOAuthOptions? oauth, CancellationToken cancellationToken)
    {
        // The server's GET stream waits for ListenAsync: an agent's idle session then holds no connection to it.
        var transport = CreateTransport(server, standaloneGetStream: false, oauth);
        return server.Kind == UpstreamKind.Stdio
            ? ChildProcessLifetime.StartAsync(() => transport.ConnectAsync(cancellationToken))
            : transport.ConnectAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task<ITransport?> ListenAsync(UpstreamServerConfig server, ITransport session, string? protocolVersion, CancellationToken cancellationToken) =>
        ListenAsync(server, session, protocolVersion, oauth: null, cancellationToken);

    /// <summary>As <see cref="ListenAsync(UpstreamServerConfig, ITransport, string?, CancellationToken)"/>, with one person's OAuth client when <paramref name="oauth"/> is set.</summary>
    internal async Task<ITransport?> ListenAsync(UpstreamServerConfig server, ITransport session, string? protocolVersion, ClientOAuthOptions? oauth,
        CancellationToken cancellationToken)
    {
        if (server.Kind != UpstreamKind.Http || session.SessionId is not { } sessionId)
        {
            return null;
        }

        // A transport of the session already open: it opens only the GET stream, and ending it leaves the session be.
        var headers = server.Headers.ToDictionary(h => h.Key, h => h.Value);
        if (protocolVersion is not null)
        {
            headers[Http.McpProtocolHeaders.ProtocolVersion] = protocolVersion;
        }

        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Name = server.Name,
            Endpoint = server.Url!,
            TransportMode = HttpTransportMode.StreamableHttp,
            KnownSessionId = sessionId,
            OwnsSession = false,
            AdditionalHeaders = headers,
            OAuth = oauth,
        }, HttpClientFor(server, oauth), loggerFactory, ownsHttpClient: false);
        return await transport.ConnectAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A client session of Gatehouse's own with the server, initialized: for a look at what it offers outside any agent's session.</summary>
    public Task<McpClient> ConnectClientAsync(UpstreamServerConfig server, McpClientOptions options, CancellationToken cancellationToken) =>
        ConnectClientAsync(server, options, oauth: null, cancellationToken);

    /// <summary>As <see cref="ConnectClientAsync(UpstreamServerConfig, McpClientOptions, CancellationToken)"/>, as one person's OAuth client.</summary>
    internal Task<McpClient> ConnectClientAsync(UpstreamServerConfig server, McpClientOptions options, ClientOAuthOptions? oauth, CancellationToken cancellationToken)
    {
        var transport = CreateTransport(server, standaloneGetStream: true, oauth);
        return server.Kind == UpstreamKind.Stdio
            ? ChildProcessLifetime.StartAsync(() => McpClient.CreateAsync(transport, options, loggerFactory, cancellationToken))
            : McpClient.CreateAsync(transport, options, loggerFactory, cancellationToken);
    }

    /// <summary>
    /// The shared client, but for the OAuth flows of a server with <c>"defaultEndpoints": true</c>: a client of their own,
    /// making up that revision's metadata for the server's own origin and for nothing else.
    /// </summary>
    private HttpClient HttpClientFor(UpstreamServerConfig server, ClientOAuthOptions? oauth) =>
        oauth is not null && handlers is not null && server is { OAuth.DefaultEndpoints: true, Url: { } url }
            // The factory's handler is pooled and outlives the client: the client must not dispose it.
            ? new HttpClient(new Accounts.DefaultAuthorizationEndpoints(url) { InnerHandler = handlers.CreateHandler(HttpClientName) }, disposeHandler: false)
            : httpClientFactory.CreateClient(HttpClientName);

    private IClientTransport CreateTransport(UpstreamServerConfig server, bool standaloneGetStream, ClientOAuthOptions? oauth)
    {
        if (server.Kind == UpstreamKind.Stdio && CommandResolver.Find(server) is null)
        {
            // Checked here, since a wrapped command would start (the wrapper) and only then fail.
            throw new FileNotFoundException($"The command '{server.Command}' of server '{server.Name}' was not found.");
        }

        var (command, arguments) = ChildProcessLifetime.Wrap(server.Command ?? "", server.Args);
        return server.Kind switch
        {
            UpstreamKind.Stdio => new StdioClientTransport(new StdioClientTransportOptions
            {
                Name = server.Name,
                Command = command,
                Arguments = arguments,
                WorkingDirectory = server.Cwd,
                EnvironmentVariables = server.Env.ToDictionary(e => e.Key, e => (string?)e.Value),
                ShutdownTimeout = s_processShutdownTimeout,
                StandardErrorLines = line => LogUpstreamStandardError(server.Name, line),
            }, loggerFactory),
            UpstreamKind.Http => new HttpClientTransport(new HttpClientTransportOptions
            {
                Name = server.Name,
                Endpoint = server.Url!,
                TransportMode = server.Transport switch
                {
                    UpstreamTransport.StreamableHttp => HttpTransportMode.StreamableHttp,
                    UpstreamTransport.Sse => HttpTransportMode.Sse,
                    _ => HttpTransportMode.AutoDetect,
                },
                AdditionalHeaders = server.Headers.ToDictionary(h => h.Key, h => h.Value),
                EnableStandaloneGetStream = standaloneGetStream,
                OAuth = oauth,
            }, HttpClientFor(server, oauth), loggerFactory, ownsHttpClient: false),
            _ => throw new InvalidOperationException($"Server '{server.Name}' has no transport."),
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "[{Server}] {Line}")]
    private partial void LogUpstreamStandardError(string server, string line);
}
