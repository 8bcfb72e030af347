namespace Gatehouse.Policy.Json;

/// <summary>Collects every error found in one document, each placed at the line and column of what it is about.</summary>
internal sealed class Diagnostics(JsonSource source, List<PolicyError> errors)
{
    public int Count => errors.Count;

    /// <summary>An error about a value, placed where the value starts.</summary>
    public void Error(string path, string message) => Add(source.ValueAt(path), path, message);

    /// <summary>An error about a key itself (unknown, duplicated), placed where the key starts.</summary>
    public void KeyError(string path, string message) => Add(source.KeyAt(path), path, message);

    /// <summary>An error about a field that is absent, placed at the object that lacks it.</summary>
    public void Missing(Node parent, string field) =>
        Add(source.ValueAt(parent.Path), PolicyPath.Property(parent.Path, field), "missing required field " + PolicyPath.Quote(field));

    private void Add(SourcePosition at, string path, string message) =>
        errors.Add(new PolicyError(at.Line, at.Column, path, message));
}
