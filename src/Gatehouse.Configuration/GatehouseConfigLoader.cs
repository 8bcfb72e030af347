using System.Text;
using Gatehouse.Configuration.Binding;
using Gatehouse.Configuration.Json;

namespace Gatehouse.Configuration;

/// <summary>
/// Loads <c>gatehouse.json</c>. Any problem throws <see cref="ConfigurationException"/> listing every error
/// found with its file, line, column and field, so one edit-and-retry cycle can fix them all.
/// </summary>
public static class GatehouseConfigLoader
{
    public const int MaxFileBytes = ConfigDocumentReader.MaxBytes;

    /// <param name="environment">Resolves <c>${env:NAME}</c>; the process environment when null.</param>
    public static GatehouseConfig Load(string path, Func<string, string?>? environment = null)
    {
        var fullPath = Path.GetFullPath(path);
        var errors = new ConfigErrorList(fullPath);
        var bytes = ReadFile(fullPath, errors);
        return bytes is null ? throw errors.ToException() : Bind(bytes, fullPath, environment, errors);
    }

    /// <summary>Parses text as if read from <paramref name="path"/>, which only anchors relative paths and names the file in errors.</summary>
    public static GatehouseConfig Parse(string json, string path, Func<string, string?>? environment = null)
    {
        var fullPath = Path.GetFullPath(path);
        return Bind(Encoding.UTF8.GetBytes(json), fullPath, environment, new ConfigErrorList(fullPath));
    }

    private static GatehouseConfig Bind(byte[] bytes, string fullPath, Func<string, string?>? environment, ConfigErrorList errors)
    {
        var root = ConfigDocumentReader.Read(bytes, errors);
        var config = root is null
            ? null
            : new GatehouseConfigBinder(fullPath, environment ?? Environment.GetEnvironmentVariable, errors).Bind(root);
        return config is null || errors.Any ? throw errors.ToException() : config;
    }

    private static byte[]? ReadFile(string fullPath, ConfigErrorList errors)
    {
        if (!File.Exists(fullPath))
        {
            errors.AddForFile(Directory.Exists(fullPath) ? "is a directory, not a file" : "file not found");
            return null;
        }

        try
        {
            using var stream = File.OpenRead(fullPath);

            // One byte past the limit is enough to tell an oversized file, without reading all of it.
            var buffer = new byte[MaxFileBytes + 1];
            var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            return buffer[..read];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.AddForFile($"cannot be read: {e.Message}");
            return null;
        }
    }
}
