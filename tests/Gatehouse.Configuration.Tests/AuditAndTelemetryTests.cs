namespace Gatehouse.Configuration.Tests;

public sealed class AuditAndTelemetryTests
{
    [Fact]
    public void By_default_the_audit_is_on_fails_closed_and_keeps_its_key_in_the_data_directory()
    {
        var config = TestConfig.Parse("{}");

        Assert.True(config.Audit.Enabled);
        Assert.False(config.Audit.FailOpen);
        Assert.True(config.Audit.OnDiskBeforeForward);
        Assert.Null(config.Audit.CheckpointKey);
        Assert.False(config.Telemetry.Prometheus);
        Assert.Null(config.Telemetry.Otlp);
    }

    [Fact]
    public void Every_audit_and_telemetry_setting_is_read_with_the_key_from_the_environment()
    {
        var config = TestConfig.Parse("""
            { "audit": { "enabled": false, "failOpen": true, "onDiskBefore": "answer", "checkpointKey": "${env:AUDIT_KEY}" },
              "telemetry": { "prometheus": true, "otlp": "http://127.0.0.1:4318" } }
            """, new Dictionary<string, string> { ["AUDIT_KEY"] = "0123456789abcdef-key" });

        Assert.False(config.Audit.Enabled);
        Assert.True(config.Audit.FailOpen);
        Assert.False(config.Audit.OnDiskBeforeForward);
        Assert.Equal("0123456789abcdef-key", config.Audit.CheckpointKey);
        Assert.True(config.Telemetry.Prometheus);
        Assert.Equal(new Uri("http://127.0.0.1:4318"), config.Telemetry.Otlp);
    }

    [Theory]
    [InlineData("""{ "audit": { "checkpointKey": "short" } }""", "audit.checkpointKey", "at least 16")]
    [InlineData("""{ "audit": { "failOpen": "no" } }""", "audit.failOpen", "true or false")]
    [InlineData("""{ "audit": { "enable": false } }""", "audit.enable", "unknown field")]
    [InlineData("""{ "audit": { "onDiskBefore": "reply" } }""", "audit.onDiskBefore", "\"forward\" or \"answer\"")]
    [InlineData("""{ "audit": true }""", "audit", "an object")]
    [InlineData("""{ "telemetry": { "otlp": "collector:4318" } }""", "telemetry.otlp", "http:// or https://")]
    [InlineData("""{ "telemetry": { "otlp": "ftp://collector" } }""", "telemetry.otlp", "http:// or https://")]
    [InlineData("""{ "telemetry": { "prometheus": 1 } }""", "telemetry.prometheus", "true or false")]
    public void A_mistake_names_its_field(string json, string field, string message)
    {
        var error = Assert.Single(TestConfig.Errors(json), e => e.Field == field);

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
