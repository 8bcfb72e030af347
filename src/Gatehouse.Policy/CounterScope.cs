namespace Gatehouse.Policy;

/// <summary>Whose calls share a counter's budget.</summary>
public enum CounterScope
{
    Grant,
    Identity,
    Session,
    Global,
}
