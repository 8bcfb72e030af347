namespace Gatehouse.Demo;

/// <summary>A request the demo refuses; its message is written for the agent that sent the request.</summary>
internal abstract class DemoRequestException(string message) : Exception(message);
