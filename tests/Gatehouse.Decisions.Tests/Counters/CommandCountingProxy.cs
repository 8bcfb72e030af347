using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gatehouse.Decisions.Tests.Counters;

/// <summary>
/// A TCP relay on 127.0.0.1 between a Redis client and a Redis server that reads what the client sends as RESP
/// and counts the commands by name. It counts on the wire, so it sees what a client library sends on its own
/// (a script load, say), and only what goes through it, unlike the server's statistics, which every test that
/// shares the server adds to.
/// </summary>
internal sealed class CommandCountingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly EndPoint _server;
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _sockets = [];
    private readonly Task _accepting;

    public CommandCountingProxy(EndPoint server)
    {
        _server = server;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The address for the client, as a StackExchange.Redis configuration string starts.</summary>
    public string Endpoint => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>The commands sent so far, by name (the first word, upper case), on every connection.</summary>
    public IReadOnlyDictionary<string, int> Counts() => new Dictionary<string, int>(_counts, StringComparer.Ordinal);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_sockets)
        {
            _sockets.ForEach(s => s.Dispose());
        }

        await _accepting;
        _stop.Dispose();
    }

    /// <summary>What was sent between two snapshots of <see cref="Counts"/>: commands whose count grew, and by how much.</summary>
    public static Dictionary<string, int> Difference(IReadOnlyDictionary<string, int> before, IReadOnlyDictionary<string, int> after) =>
        after.Where(c => c.Value != before.GetValueOrDefault(c.Key)).ToDictionary(c => c.Key, c => c.Value - before.GetValueOrDefault(c.Key));

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var server = new TcpClient();
                lock (_sockets)
                {
                    _sockets.Add(client);
                    _sockets.Add(server);
                }

                await server.Client.ConnectAsync(_server, _stop.Token);
                _ = Ignore(server.GetStream().CopyToAsync(client.GetStream(), _stop.Token));
                _ = Ignore(ForwardCountingAsync(client.GetStream(), server.GetStream()));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Disposed.
        }
    }

    /// <summary>
    /// Counts every command complete so far, then forwards the chunk at once, so the proxy adds no wait. Counted first: the
    /// server's reply may reach the client before a count made after forwarding, and a snapshot taken then would miss it.
    /// </summary>
    private async Task ForwardCountingAsync(NetworkStream client, NetworkStream server)
    {
        var pending = new List<byte>();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await client.ReadAsync(buffer, _stop.Token)) > 0)
        {
            pending.AddRange(buffer.AsSpan(0, read));
            int consumed;
            while ((consumed = TryReadCommand(pending, out var name)) > 0)
            {
                _counts.AddOrUpdate(name!, 1, (_, n) => n + 1);
                pending.RemoveRange(0, consumed);
            }

            await server.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }

    /// <summary>
    /// Reads one command at the start of <paramref name="data"/>, as clients send them: an array of bulk strings
    /// (<c>*N\r\n</c>, then N times <c>$LEN\r\nBYTES\r\n</c>). Returns its length, or 0 when it is not all there yet.
    /// </summary>
    private static int TryReadCommand(List<byte> data, out string? name)
    {
        name = null;
        var position = 0;
        if (ReadHeader(data, ref position, '*') is not { } parts)
        {
            return 0;
        }

        for (var i = 0; i < parts; i++)
        {
            if (ReadHeader(data, ref position, '$') is not { } length || position + length + 2 > data.Count)
            {
                return 0;
            }

            if (i == 0)
            {
                name = Encoding.ASCII.GetString([.. data.GetRange(position, length)]).ToUpperInvariant();
            }

            position += length + 2;
        }

        return name is null ? 0 : position;
    }

    private static int? ReadHeader(List<byte> data, ref int position, char marker)
    {
        if (position >= data.Count)
        {
            return null;
        }

        if (data[position] != (byte)marker)
        {
            throw new InvalidDataException($"Expected '{marker}' in the client's RESP stream, found byte {data[position]}.");
        }

        var end = data.IndexOf((byte)'\r', position);
        if (end < 0 || end + 1 >= data.Count)
        {
            return null;
        }

        var value = int.Parse(Encoding.ASCII.GetString([.. data.GetRange(position + 1, end - position - 1)]), CultureInfo.InvariantCulture);
        position = end + 2;
        return value;
    }

    private static async Task Ignore(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // The connection ended: the test is over, or the client closed it.
        }
    }
}
