namespace Gatehouse.Policy.Json;

/// <summary>
/// Turns UTF-8 byte offsets, which is all <see cref="System.Text.Json.Utf8JsonReader"/> reports, into the
/// line and column a person looks for in an editor.
/// </summary>
internal sealed class LineMap
{
    private readonly byte[] _utf8;
    private readonly int[] _lineStarts;

    public LineMap(byte[] utf8)
    {
        _utf8 = utf8;
        var starts = new List<int> { 0 };
        for (var i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] == (byte)'\n')
            {
                starts.Add(i + 1);
            }
        }
        _lineStarts = [.. starts];
    }

    public SourcePosition At(long byteOffset)
    {
        var offset = (int)Math.Clamp(byteOffset, 0, _utf8.Length);
        var line = Array.BinarySearch(_lineStarts, offset);
        if (line < 0)
        {
            line = ~line - 1;
        }
        return new SourcePosition(line + 1, ColumnOf(_lineStarts[line], offset));
    }

    /// <summary>For reader exceptions, which report a 0-based line and a byte position within it.</summary>
    public SourcePosition At(long line, long bytePositionInLine)
    {
        var index = (int)Math.Clamp(line, 0, _lineStarts.Length - 1);
        return At(_lineStarts[index] + bytePositionInLine);
    }

    private int ColumnOf(int lineStart, int offset)
    {
        var column = 1;
        for (var i = lineStart; i < offset; i++)
        {
            // Continuation bytes (10xxxxxx) belong to the character already counted.
            if ((_utf8[i] & 0xC0) != 0x80)
            {
                column++;
            }
        }
        return column;
    }
}
