namespace Gatehouse.Configuration.Json;

/// <summary>A 1-based line and column; <see cref="None"/> stands for the file as a whole.</summary>
internal readonly record struct TextPosition(int Line, int Column)
{
    public static readonly TextPosition None = new(0, 0);
}
