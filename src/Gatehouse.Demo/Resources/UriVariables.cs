namespace Gatehouse.Demo.Resources;

/// <summary>The values a URI supplied for its template's variables, read as the types the readers need.</summary>
internal sealed class UriVariables(IReadOnlyDictionary<string, string> values)
{
    public string Text(string name) => values[name];

    public long Id(string name) =>
        long.TryParse(values[name], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) && id > 0
            ? id
            : throw new DemoInputException($"'{name}' in the resource URI must be a positive integer id, not '{values[name]}'.");
}
