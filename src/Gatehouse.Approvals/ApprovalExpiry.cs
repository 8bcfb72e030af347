using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Approvals;

/// <summary>
/// Expires held calls whose time is up even when nobody waits for them any more (the replica that held them
/// restarted), and approved calls that nobody ran, so the queue never lists a call as pending or approved that can
/// no longer run.
/// </summary>
internal sealed partial class ApprovalExpiry(ApprovalQueue queue, TimeProvider time, ILogger<ApprovalExpiry> logger) : BackgroundService
{
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(s_interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await queue.ExpireDueAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (ApprovalsUnavailableException e)
            {
                LogUnavailable(logger, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not expire held calls: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);
}
