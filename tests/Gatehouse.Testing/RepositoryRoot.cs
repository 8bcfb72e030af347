namespace Gatehouse.Testing;

/// <summary>The checkout that holds the running test assembly: where its tools are installed and its results written.</summary>
public static class RepositoryRoot
{
    /// <summary>The nearest folder above the test assembly with <c>Gatehouse.slnx</c>, or null when there is none.</summary>
    public static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Gatehouse.slnx")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
