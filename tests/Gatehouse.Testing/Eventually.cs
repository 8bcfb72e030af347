namespace Gatehouse.Testing;

/// <summary>Bounded waits for an event that proves something happened, failing with a message when time runs out.</summary>
public static class Eventually
{
    /// <summary>How long a step may take on a busy 2-core machine.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Calls <paramref name="attempt"/> until it returns a value, and returns that; throws naming <paramref name="what"/>
    /// (and what <paramref name="context"/> says) when <paramref name="wait"/> (default <see cref="DefaultWait"/>) runs out.
    /// </summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T?>> attempt, string what, TimeSpan? wait = null, Func<string>? context = null) where T : class
    {
        var limit = wait ?? DefaultWait;
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            if (await attempt().ConfigureAwait(false) is { } done)
            {
                return done;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No {what} within {limit.TotalSeconds:0} s.{(context is null ? "" : "\n" + context())}");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds; throws naming <paramref name="what"/> when the wait runs out.</summary>
    public static Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? wait = null, Func<string>? context = null) =>
        UntilAsync(async () => await condition().ConfigureAwait(false) ? new object() : null, what, wait, context);
}
