namespace Gatehouse.Configuration.Tests;

public sealed class FileReadingTests
{
    [Fact]
    public void A_missing_file_is_reported_as_a_file_error()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "gatehouse.json");

        var error = Assert.Single(Assert.Throws<ConfigurationException>(() => GatehouseConfigLoader.Load(path)).Errors);

        Assert.Equal(new ConfigError(path, 0, 0, "", "file not found"), error);
        Assert.Equal($"{path}: file not found", error.ToString());
    }

    [Fact]
    public void A_directory_is_not_a_config_file()
    {
        using var dir = new TempDirectory();

        var error = Assert.Single(Assert.Throws<ConfigurationException>(() => GatehouseConfigLoader.Load(dir.Path)).Errors);

        Assert.Equal("is a directory, not a file", error.Message);
    }

    [Fact]
    public void A_file_over_one_mebibyte_is_refused_and_one_at_the_limit_is_read()
    {
        using var dir = new TempDirectory();
        var atLimit = dir.Write("ok.json", "{}" + new string(' ', GatehouseConfigLoader.MaxFileBytes - 2));
        var overLimit = dir.Write("big.json", "{}" + new string(' ', GatehouseConfigLoader.MaxFileBytes - 1));

        GatehouseConfigLoader.Load(atLimit);
        var error = Assert.Single(Assert.Throws<ConfigurationException>(() => GatehouseConfigLoader.Load(overLimit)).Errors);

        Assert.Equal((overLimit, 0, 0), (error.File, error.Line, error.Column));
        Assert.Contains("1 MiB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parsed_text_over_the_limit_is_refused_too()
    {
        var error = TestConfig.SingleError("{}" + new string(' ', GatehouseConfigLoader.MaxFileBytes));

        Assert.Contains("1 MiB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_is_refused_at_the_offending_byte()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("gatehouse.json", [.. "{\n  \"listen\": \"h"u8, 0xE9, .. "\"\n}"u8]);

        var error = Assert.Single(Assert.Throws<ConfigurationException>(() => GatehouseConfigLoader.Load(path)).Errors);

        Assert.Equal((2, 15), (error.Line, error.Column));
        Assert.Equal("the file is not valid UTF-8 (byte 0xE9)", error.Message);
    }

    [Fact]
    public void Utf16_is_refused_with_a_hint()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("gatehouse.json", System.Text.Encoding.Unicode.GetPreamble().Concat(System.Text.Encoding.Unicode.GetBytes("{}")).ToArray());

        var error = Assert.Single(Assert.Throws<ConfigurationException>(() => GatehouseConfigLoader.Load(path)).Errors);

        Assert.Equal("the file is UTF-16; save it as UTF-8", error.Message);
    }

    [Fact]
    public void Errors_in_a_loaded_file_name_its_absolute_path()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("gatehouse.json", "{ \"listen\": 1 }");

        var error = Assert.Single(Assert.Throws<ConfigurationException>(
            () => GatehouseConfigLoader.Load(Path.GetRelativePath(Environment.CurrentDirectory, path))).Errors);

        Assert.Equal(path, error.File);
    }
}
