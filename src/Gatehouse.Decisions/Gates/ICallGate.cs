using Gatehouse.Relay;

namespace Gatehouse.Decisions.Gates;

/// <summary>
/// One step of deciding a call, in the order <see cref="PolicyDecisionPoint"/> lists them: each gate lets the call on
/// to the next, or decides it (a refusal, or leave to forward it).
/// </summary>
internal interface ICallGate
{
    /// <summary>Passes <paramref name="call"/> through this gate.</summary>
    /// <returns>Null to let the call on to the next gate; else the decision on it, which ends the sequence.</returns>
    ValueTask<RequestDecision?> PassAsync(CallContext call, CancellationToken cancellationToken);
}
