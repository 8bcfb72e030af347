namespace Gatehouse.Configuration.Tests;

public sealed class ListenAddressTests
{
    [Theory]
    [InlineData("http://127.0.0.1:8080", true)]
    [InlineData("http://127.1.2.3:8080", true)]
    [InlineData("http://localhost:8080", true)]
    [InlineData("https://LOCALHOST", true)]
    [InlineData("http://[::1]:8080", true)]
    [InlineData("http://0.0.0.0:8080", false)]
    [InlineData("http://[::]:8080", false)]
    [InlineData("http://*:8080", false)]
    [InlineData("http://+:8080", false)]
    [InlineData("http://gatehouse.example.com", false)]
    [InlineData("http://10.0.0.5:8080", false)]
    [InlineData("not a url", false)]
    public void Only_addresses_reachable_from_this_machine_alone_are_loopback(string listen, bool loopback)
    {
        Assert.Equal(loopback, ListenAddress.IsLoopback(listen));
    }

    [Theory]
    [InlineData("http://*:8080")]
    [InlineData("http://+:8080")]
    [InlineData("https://[::]:443/")]
    [InlineData("http://gatehouse.example.com")]
    public void Kestrel_style_addresses_are_valid(string listen)
    {
        Assert.True(ListenAddress.TryValidate(listen, out var error), error);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/mcp")]
    [InlineData("http://127.0.0.1:8080?x=1")]
    [InlineData("http://127.0.0.1:8080#x")]
    [InlineData("ws://127.0.0.1:8080")]
    [InlineData("localhost:8080")]
    public void Anything_but_scheme_host_and_port_is_invalid(string listen)
    {
        Assert.False(ListenAddress.TryValidate(listen, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void The_config_reflects_a_listen_override()
    {
        var config = TestConfig.Parse("{}") with { Listen = "http://0.0.0.0:8080" };

        Assert.False(config.ListenIsLoopback);
    }
}
