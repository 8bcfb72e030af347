using Gatehouse.Configuration.Json;

namespace Gatehouse.Configuration;

/// <summary>Collects problems so that one load reports all of them, in the order they appear in the file.</summary>
internal sealed class ConfigErrorList(string file)
{
    private readonly List<ConfigError> _errors = [];

    public bool Any => _errors.Count > 0;

    public void Add(TextPosition at, string field, string message) =>
        _errors.Add(new ConfigError(file, at.Line, at.Column, field, message));

    public void AddForFile(string message) => Add(TextPosition.None, "", message);

    public ConfigurationException ToException() =>
        new([.. _errors.OrderBy(e => e.Line).ThenBy(e => e.Column)]);
}
