namespace Gatehouse.Demo;

/// <summary>Arguments that are missing, of the wrong type, or not allowed in the current state.</summary>
internal sealed class DemoInputException(string message) : DemoRequestException(message);
