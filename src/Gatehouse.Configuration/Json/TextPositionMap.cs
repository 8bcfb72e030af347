using System.Text;

namespace Gatehouse.Configuration.Json;

/// <summary>
/// Turns the byte offsets that <see cref="System.Text.Json.Utf8JsonReader"/> reports into the lines and
/// character columns that people see in an editor.
/// </summary>
internal sealed class TextPositionMap
{
    private readonly ReadOnlyMemory<byte> _utf8;
    private readonly List<int> _lineStarts = [0];

    public TextPositionMap(ReadOnlyMemory<byte> utf8)
    {
        _utf8 = utf8;
        var span = utf8.Span;
        for (var i = 0; i < span.Length; i++)
        {
            if (span[i] == (byte)'\n')
            {
                _lineStarts.Add(i + 1);
            }
        }
    }

    public TextPosition At(long byteOffset)
    {
        var line = _lineStarts.BinarySearch((int)byteOffset);
        if (line < 0)
        {
            line = ~line - 1;
        }

        return new TextPosition(line + 1, ColumnOf(_lineStarts[line], (int)byteOffset));
    }

    /// <summary>For <see cref="System.Text.Json.JsonException"/>, whose line and byte position are 0-based.</summary>
    public TextPosition AtLineByte(long line, long bytePositionInLine)
    {
        var index = (int)Math.Min(line, _lineStarts.Count - 1);
        var start = _lineStarts[index];
        var offset = (int)Math.Min(start + bytePositionInLine, _utf8.Length);
        return new TextPosition(index + 1, ColumnOf(start, offset));
    }

    private int ColumnOf(int lineStart, int offset) =>
        Encoding.UTF8.GetCharCount(_utf8.Span[lineStart..offset]) + 1;
}
