namespace Gatehouse.Demo.Resources;

/// <summary>Reads one resource, given the values its URI supplied.</summary>
internal delegate ResourceBody ResourceReader(UriVariables variables);
