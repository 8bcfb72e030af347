using System.Net;

namespace Gatehouse.OperatorConsole.Tests;

/// <summary>The link <c>gatehouse demo</c> prints signs in once, and only once.</summary>
public sealed class SignInLinkTests(ConsoleGateway gateway) : IClassFixture<ConsoleGateway>
{
    [Fact]
    public async Task The_demos_link_signs_in_once_and_then_sends_to_the_sign_in_page()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = gateway.BaseUrl };

        using var first = await http.GetAsync(gateway.SignInLink);
        using var second = await http.GetAsync(gateway.SignInLink);

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal("/ui/catalog", first.Headers.Location?.OriginalString);
        Assert.Contains(first.Headers.GetValues("Set-Cookie"), c => c.StartsWith("gatehouse-console=", StringComparison.Ordinal) && c.Contains("httponly", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        Assert.Equal("/ui/sign-in", second.Headers.Location?.OriginalString);
        Assert.False(second.Headers.Contains("Set-Cookie"));
    }
}
