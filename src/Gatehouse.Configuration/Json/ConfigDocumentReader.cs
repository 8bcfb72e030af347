using System.Buffers;
using System.Text;

namespace Gatehouse.Configuration.Json;

/// <summary>Checks the raw bytes of a configuration file (size, encoding) and parses them.</summary>
internal static class ConfigDocumentReader
{
    public const int MaxBytes = 1024 * 1024;

    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    public static JsonValueNode? Read(ReadOnlyMemory<byte> bytes, ConfigErrorList errors)
    {
        if (bytes.Length > MaxBytes)
        {
            errors.AddForFile($"the file is larger than {MaxBytes} bytes (1 MiB)");
            return null;
        }

        if (IsUtf16(bytes.Span))
        {
            errors.AddForFile("the file is UTF-16; save it as UTF-8");
            return null;
        }

        // Editors show no column for the byte order mark, so positions are counted after it.
        var text = bytes.Span.StartsWith(Utf8Bom) ? bytes[Utf8Bom.Length..] : bytes;
        var map = new TextPositionMap(text);
        var invalid = FirstInvalidUtf8Byte(text.Span);
        if (invalid >= 0)
        {
            errors.Add(map.At(invalid), "", $"the file is not valid UTF-8 (byte 0x{text.Span[invalid]:X2})");
            return null;
        }

        return PositionedJsonParser.Parse(text, map, errors);
    }

    private static bool IsUtf16(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]);

    private static int FirstInvalidUtf8Byte(ReadOnlySpan<byte> bytes)
    {
        var offset = 0;
        while (offset < bytes.Length)
        {
            if (Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed) != OperationStatus.Done)
            {
                return offset;
            }

            offset += consumed;
        }

        return -1;
    }
}
