using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using Gatehouse.Configuration;
using Gatehouse.Decisions;
using Gatehouse.Hosting;
using Microsoft.AspNetCore.Builder;

namespace Gatehouse.Cli;

/// <summary>Options that several commands share, spelled the same everywhere.</summary>
internal static class CommonOptions
{
    public static Option<FileInfo> Config() => new("--config", "-c")
    {
        Description = "The configuration file.",
        DefaultValueFactory = _ => new FileInfo("gatehouse.json"),
    };

    public static Option<bool> Json() => new("--json") { Description = "Print JSON, for scripts." };

    /// <summary>Who the audit log names for a change made by a command: the account that ran it.</summary>
    public static string Operator => $"{Environment.UserName} (command line)";

    /// <summary>How commands print JSON: indented, and with text such as a rationale's arrow left readable (what JSON must escape still is).</summary>
    public static JsonSerializerOptions JsonOutput { get; } = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Option<string?> Listen() => new("--listen")
    {
        Description = "The address to listen on, e.g. http://127.0.0.1:8080 (overrides the configuration's \"listen\").",
        Validators =
        {
            result =>
            {
                if (result.GetValueOrDefault<string?>() is { } listen && !ListenAddress.TryValidate(listen, out var error))
                {
                    result.AddError(error ?? $"'{listen}' is not a listen address.");
                }
            },
        },
    };

    /// <summary>Builds the gateway, or prints why its policies keep it from starting and returns null.</summary>
    public static WebApplication? BuildGateway(GatehouseConfig config, string? listen, TextWriter error)
    {
        try
        {
            return GatewayApplication.Build(config, listen);
        }
        catch (PolicyLoadException ex)
        {
            error.WriteLine(ex.Message);
            error.WriteLine("Gatehouse did not start: fix the policy and try again.");
            return null;
        }
    }

    /// <summary>Loads the configuration, or prints its errors and returns null.</summary>
    public static GatehouseConfig? LoadConfig(FileInfo file, TextWriter error)
    {
        try
        {
            return GatehouseConfigLoader.Load(file.FullName);
        }
        catch (ConfigurationException ex)
        {
            error.WriteLine(ex.Message);
            error.WriteLine("Gatehouse did not start: fix the configuration and try again.");
            return null;
        }
    }
}
