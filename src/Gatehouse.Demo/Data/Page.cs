namespace Gatehouse.Demo.Data;

/// <summary>A 1-based page of a listing.</summary>
internal readonly record struct Page(int Number, int Size)
{
    public static Page All { get; } = new(1, int.MaxValue);

    public long Offset => (long)(Number - 1) * Size;
}
