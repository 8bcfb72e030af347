namespace Gatehouse.Policy;

/// <summary>The results of running a cases file against a policy, or why the file could not be read.</summary>
public sealed class PolicyTestReport
{
    internal PolicyTestReport(IReadOnlyList<PolicyError> errors, IReadOnlyList<PolicyTestResult> results)
    {
        Errors = errors;
        Results = results;
    }

    /// <summary>Problems with the cases file itself; when there are any, no case was run.</summary>
    public IReadOnlyList<PolicyError> Errors { get; }

    public IReadOnlyList<PolicyTestResult> Results { get; }

    public int Passed => Results.Count(result => result.Passed);

    public int Failed => Results.Count(result => !result.Passed);

    public bool Succeeded => Errors.Count == 0 && Failed == 0;

    /// <summary>The closing line of <c>gatehouse policy test</c>.</summary>
    public string Summary => $"{Passed} passed, {Failed} failed";
}
