namespace Gatehouse.Catalog.Classification;

/// <summary>What an argument of a tool lets the agent do.</summary>
internal enum ArgumentKind
{
    /// <summary>A free-form string the server runs: a shell command, SQL, a script, code.</summary>
    FreeFormCode,

    /// <summary>A list of people or places a send goes to.</summary>
    Recipients,

    /// <summary>A list of ids: one call acts on as many records as the agent names.</summary>
    IdList,

    /// <summary>A flag such as <c>all</c> or <c>recursive</c>: one call acts on everything.</summary>
    EverythingFlag,

    /// <summary>An amount of money.</summary>
    Money,

    /// <summary>A URL the server will reach.</summary>
    Address,
}

/// <summary>An argument of a tool, by its path in the input schema (<c>options.sql</c>), and what it lets the agent do.</summary>
/// <param name="Name">The last step of the path: what a person needs to see when the whole path is too long to quote.</param>
internal sealed record SchemaArgument(string Path, string Name, ArgumentKind Kind);

/// <summary>The arguments found in an input schema, and whether it was read to its end.</summary>
/// <param name="Complete">False when the schema was deeper or larger than the classifier reads: what it did not read may be anything.</param>
internal sealed record SchemaReading(IReadOnlyList<SchemaArgument> Arguments, bool Complete);
