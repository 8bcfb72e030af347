namespace Gatehouse.Demo;

/// <summary>An id or address that names no row.</summary>
internal sealed class DemoNotFoundException(string message) : DemoRequestException(message);
