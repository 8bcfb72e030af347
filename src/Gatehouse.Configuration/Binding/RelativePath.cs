namespace Gatehouse.Configuration.Binding;

/// <summary>Every path in the file is relative to the file, not to wherever Gatehouse was started from.</summary>
internal static class RelativePath
{
    public static bool TryResolve(string path, string configDirectory, out string fullPath)
    {
        try
        {
            fullPath = Path.GetFullPath(path, configDirectory);
            return true;
        }
        catch (ArgumentException)
        {
            // Path.GetFullPath refuses characters such as NUL that no file system accepts.
            fullPath = "";
            return false;
        }
    }
}
