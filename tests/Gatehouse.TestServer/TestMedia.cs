namespace Gatehouse.TestServer;

/// <summary>Tiny but valid media payloads for the image, audio and blob contents the suite asks for.</summary>
internal static class TestMedia
{
    /// <summary>A 1x1 red PNG.</summary>
    public static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==");

    /// <summary>Four samples of silence, 8 kHz mono 16-bit PCM.</summary>
    public static readonly byte[] Wav = Convert.FromBase64String(
        "UklGRiwAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQgAAAAAAAAAAAAAAA==");
}
