namespace Gatehouse.Approvals;

/// <summary>Tells people that a call waits for them (a webhook to chat, for instance); never blocks the call.</summary>
public interface IApprovalNotifier
{
    void Requested(HeldCall call);
}
