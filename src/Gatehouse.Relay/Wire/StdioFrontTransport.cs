using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay.Wire;

/// <summary>
/// The client's side of a gateway served over standard input and output: one JSON-RPC message a line, each read by
/// <see cref="WireMessages"/>. A line that cannot be read one way only is answered with an error and recorded, and
/// the session goes on.
/// </summary>
public sealed class StdioFrontTransport : TransportBase
{
    private static readonly JsonTypeInfo<JsonRpcMessage> s_messageType = (JsonTypeInfo<JsonRpcMessage>)WireMessages.Options.GetTypeInfo(typeof(JsonRpcMessage));

    private static readonly byte[] s_newline = "\n"u8.ToArray();

    private readonly Stream _input;
    private readonly Stream _output;
    private readonly PipeReader _reader;
    private readonly CallRecorder _recorder;
    private readonly RelayCall _call;
    private readonly long _maxMessageBytes;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Task _readLoop;
    private int _disposed;

    /// <summary>Starts reading <paramref name="input"/>; replies go to <paramref name="output"/>.</summary>
    /// <param name="input">The client's messages, one a line.</param>
    /// <param name="output">Where messages to the client are written, one a line.</param>
    /// <param name="call">Who the refusals are recorded as coming from.</param>
    /// <param name="recorder">Writes refusals to the audit log.</param>
    /// <param name="maxMessageBytes">The longest line taken; a longer one is refused without being read.</param>
    /// <param name="loggerFactory">For the transport's own logging.</param>
    public StdioFrontTransport(Stream input, Stream output, RelayCall call, CallRecorder recorder, long maxMessageBytes, ILoggerFactory loggerFactory)
        : base($"Gatehouse stdio ({call?.Server})", loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(recorder);
        _input = input;
        _output = output;
        _reader = PipeReader.Create(input);
        _call = call;
        _recorder = recorder;
        _maxMessageBytes = maxMessageBytes;
        SetConnected();
        _readLoop = Task.Run(ReadLoopAsync);
    }

    /// <inheritdoc />
    public override async Task SendMessageAsync(JsonRpcMessage message, CancellationToken cancellationToken = default)
    {
        if (!IsConnected)
        {
            return;
        }

        var json = JsonSerializer.SerializeToUtf8Bytes(message, s_messageType);
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _output.WriteAsync(json, cancellationToken).ConfigureAwait(false);
            await _output.WriteAsync(s_newline, cancellationToken).ConfigureAwait(false);
            await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new IOException("Could not write to the client.", ex);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        Exception? error = null;
        try
        {
            var skipping = false;
            while (true)
            {
                var result = await _reader.ReadAsync(_shutdown.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                while (buffer.PositionOf((byte)'\n') is { } end)
                {
                    var line = buffer.Slice(0, end);
                    buffer = buffer.Slice(buffer.GetPosition(1, end));
                    if (!skipping)
                    {
                        await TakeLineAsync(line).ConfigureAwait(false);
                    }

                    skipping = false;
                }

                if (!skipping && buffer.Length > _maxMessageBytes)
                {
                    // Refused unread: holding an endless line would let one client take the gateway's memory.
                    skipping = true;
                    await RefuseAsync(new WireRefusal(default, null, new WireProblem("$", McpErrorCode.InvalidRequest,
                        $"the message is longer than the {_maxMessageBytes} bytes Gatehouse accepts"))).ConfigureAwait(false);
                }

                _reader.AdvanceTo(skipping ? buffer.End : buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            error = ex;
        }
        finally
        {
            SetDisconnected(error);
        }
    }

    private async Task TakeLineAsync(ReadOnlySequence<byte> line)
    {
        var bytes = line.IsSingleSegment ? line.First : line.ToArray();
        var span = bytes.Span.TrimEnd((byte)'\r');
        if (span.IsEmpty)
        {
            return;
        }

        var read = WireMessages.Read(span);
        if (read.Refusal is { } refusal)
        {
            await RefuseAsync(refusal).ConfigureAwait(false);
            return;
        }

        await WriteMessageAsync(read.Message!, _shutdown.Token).ConfigureAwait(false);
    }

    private async Task RefuseAsync(WireRefusal refusal)
    {
        _recorder.RecordRefusal(_call, refusal);

        // A notification is not answered, nor the client's answer to a request of the server (an error under the
        // server's id would reach the client as the answer to its own request of that id); a request, or a line whose
        // kind could not be told, is.
        if (!refusal.IsResponse && (refusal.Id.Id is not null || refusal.Method is null))
        {
            await SendMessageAsync(refusal.Reply, _shutdown.Token).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _shutdown.CancelAsync().ConfigureAwait(false);
        // Closing the streams wakes a read blocked in the operating system, which cancellation cannot.
        await _input.DisposeAsync().ConfigureAwait(false);
        await _output.DisposeAsync().ConfigureAwait(false);
        try
        {
            await _readLoop.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
        }

        SetDisconnected();
        _shutdown.Dispose();
        _sendLock.Dispose();
    }
}
