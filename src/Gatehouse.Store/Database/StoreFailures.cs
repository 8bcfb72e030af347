namespace Gatehouse.Store.Database;

/// <summary>A store that cannot be reached, told to each caller in the words of its own domain.</summary>
internal static class StoreFailures
{
    public static async Task<T> Translated<T>(Task<T> run, Func<string, Exception, Exception> unavailable)
    {
        try
        {
            return await run;
        }
        catch (StoreUnavailableException e)
        {
            throw unavailable(e.Message, e);
        }
    }
}
