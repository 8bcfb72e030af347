using Microsoft.AspNetCore.Http;

namespace Gatehouse.OAuth.SignIn;

/// <summary>
/// The page where a person lets a client act for them, or not: it names the client (and where the answer goes), the
/// server, the person, the grant their identity holds there and the scopes asked for. Its form posts the authorization
/// request back, with an anti-forgery token and the <see cref="ConsentTicket"/> of this very request.
/// </summary>
internal static class ConsentPage
{
    public const string AnswerField = "gh_consent";
    public const string Approve = "approve";
    public const string Deny = "deny";

    public sealed record Model(string ClientName, string ClientId, string RedirectHost, string Server, Uri Resource, string Identity, string? Grant,
        IReadOnlyList<string> Scopes, IEnumerable<KeyValuePair<string, string>> RequestParameters, string AntiforgeryField, string AntiforgeryToken, string Ticket, string Action);

    public static Task WriteAsync(HttpResponse response, Model model)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        // A consent page in another site's frame could be clicked through without the person knowing.
        response.Headers.XFrameOptions = "DENY";
        // No form-action: browsers apply it to the redirect that follows the form too, and that goes to the client.
        response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";
        return response.WriteAsync(Html.Page($"Allow {model.ClientName}?", Body(model)));
    }

    private static string Body(Model m)
    {
        var hidden = string.Concat(m.RequestParameters.Select(p => $"""<input type="hidden" name="{Html.Encode(p.Key)}" value="{Html.Encode(p.Value)}">"""));
        var access = m.Grant is null
            ? """<p class="warn">Your identity holds no grant on this server: every call the application makes there would be refused. Ask the operator for access.</p>"""
            : $"""<p class="note">What the application may do there is what the grant <code>{Html.Encode(m.Grant)}</code> lets you do: its policy decides each call, and every call is recorded under your name.</p>""";
        var allow = m.Grant is null ? "" : $"""<button class="primary" type="submit" name="{AnswerField}" value="{Approve}">Allow</button>""";
        return $"""
            <h1>Allow {Html.Encode(m.ClientName)} to use {Html.Encode(m.Server)} as you?</h1>
            <dl>
              <dt>Application</dt><dd>{Html.Encode(m.ClientName)} <span class="note">({Html.Encode(m.ClientId)})</span></dd>
              <dt>Sends you back to</dt><dd><code>{Html.Encode(m.RedirectHost)}</code></dd>
              <dt>Server</dt><dd>{Html.Encode(m.Server)} <span class="note">{Html.Encode(m.Resource.AbsoluteUri)}</span></dd>
              <dt>You</dt><dd>{Html.Encode(m.Identity)}</dd>
              <dt>Grant</dt><dd>{(m.Grant is null ? "none" : Html.Encode(m.Grant))}</dd>
              <dt>Scopes</dt><dd>{(m.Scopes.Count == 0 ? "none" : string.Join(" ", m.Scopes.Select(s => $"<code>{Html.Encode(s)}</code>")))}</dd>
            </dl>
            {access}
            <form method="post" action="{Html.Encode(m.Action)}">
              {hidden}
              <input type="hidden" name="{Html.Encode(m.AntiforgeryField)}" value="{Html.Encode(m.AntiforgeryToken)}">
              <input type="hidden" name="{ConsentTicket.Field}" value="{Html.Encode(m.Ticket)}">
              <div class="actions">{allow}<button type="submit" name="{AnswerField}" value="{Deny}">{(m.Grant is null ? "Back to the application" : "Deny")}</button></div>
            </form>
            <p class="note">Only allow applications you started yourself, just now.</p>
            """;
    }
}
