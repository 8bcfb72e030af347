using Gatehouse.Configuration.Json;

namespace Gatehouse.Configuration.Binding;

internal static class AuthBinder
{
    private static readonly string[] Fields = ["anonymous"];

    public static AuthConfig Bind(JsonObjectNode auth, string path, ConfigErrorList errors)
    {
        var fields = ObjectFields.Open(auth, path, Fields, errors);
        return new AuthConfig { Anonymous = fields?.Text("anonymous") };
    }
}
