using Microsoft.AspNetCore.Http;

namespace Gatehouse.Admin;

/// <summary>The one shape of every error the admin API answers: <c>{ "error": "not_found", "message": "..." }</c>.</summary>
internal static class AdminErrors
{
    public static IResult Of(int status, string error, string message) => Results.Json(new { error, message }, statusCode: status);
}
