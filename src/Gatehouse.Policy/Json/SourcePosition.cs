namespace Gatehouse.Policy.Json;

/// <summary>A 1-based line and column; the column counts Unicode characters, as editors do.</summary>
internal readonly record struct SourcePosition(int Line, int Column);
