using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Xunit;

namespace AiProfiler.Exporters.Prometheus.Tests;

public sealed class OtlpPushMeterProviderBuilderExtensionsTests
{
    [Fact]
    public async Task AddOtlpPushExporter_EnabledHttpProtobuf_PushesMetricsToTheReceiver()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        using var meter = new Meter("AiProfiler.Tests." + Guid.NewGuid().ToString("N"));
        var options = new OtlpPushOptions { Enabled = true, Protocol = "http/protobuf", Endpoint = receiver.Address, IntervalSeconds = 3600 };
        using (var provider = Sdk.CreateMeterProviderBuilder().AddMeter(meter.Name).AddOtlpPushExporter(options).Build())
        {
            meter.CreateCounter<long>("test_pushed_runs", description: "Pushed.").Add(1);
            Assert.True(provider.ForceFlush(10_000));
        }

        // The flush pushes once; disposing the provider pushes a final time.
        Assert.NotEmpty(receiver.Requests);
        var request = receiver.Requests.First();
        Assert.Equal("/v1/metrics", request.Path);
        Assert.Equal("application/x-protobuf", request.ContentType);
        Assert.Contains("test_pushed_runs", System.Text.Encoding.UTF8.GetString(request.Body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddOtlpPushExporter_Disabled_PushesNothing()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        using var meter = new Meter("AiProfiler.Tests." + Guid.NewGuid().ToString("N"));
        var options = new OtlpPushOptions { Enabled = false, Protocol = "http/protobuf", Endpoint = receiver.Address };
        using (var provider = Sdk.CreateMeterProviderBuilder().AddMeter(meter.Name).AddOtlpPushExporter(options).Build())
        {
            meter.CreateCounter<long>("test_not_pushed", description: "Not pushed.").Add(1);
            provider.ForceFlush(10_000);
        }

        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public void AddOtlpPushExporter_BoundFromConfiguration_FailsAtProviderBuildWithOneLineMessage()
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Metrics:Otlp:Enabled"] = "true",
                ["Metrics:Otlp:Protocol"] = "udp",
                ["Metrics:Otlp:IntervalSeconds"] = "0",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddOptions<OtlpPushOptions>().Bind(configuration.GetSection("Metrics:Otlp"));
        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddOtlpPushExporter());
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<MeterProvider>());

        Assert.Equal(
            "Metrics:Otlp:Protocol must be 'grpc' or 'http/protobuf'. Metrics:Otlp:IntervalSeconds must be between 1 and 86400 seconds.",
            error.Message);
    }

    [Fact]
    public async Task AddOtlpPushExporter_EnabledInServices_PushesMetricsToTheReceiver()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        using var meter = new Meter("AiProfiler.Tests." + Guid.NewGuid().ToString("N"));
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.Configure<OtlpPushOptions>(o =>
        {
            o.Enabled = true;
            o.Protocol = OtlpPushOptions.HttpProtobufProtocol;
            o.Endpoint = receiver.Address;
        });
        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(meter.Name).AddOtlpPushExporter());
        using (var provider = services.BuildServiceProvider())
        {
            var meterProvider = provider.GetRequiredService<MeterProvider>();
            meter.CreateCounter<long>("test_pushed_from_services", description: "Pushed.").Add(1);
            Assert.True(meterProvider.ForceFlush(10_000));
        }

        Assert.Contains(receiver.Requests, r => System.Text.Encoding.UTF8.GetString(r.Body).Contains("test_pushed_from_services", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("localhost:4317", "Metrics:Otlp:Endpoint 'localhost:4317' is not an absolute http:// or https:// address; use e.g. http://collector:4317.")]
    [InlineData("not a uri", "Metrics:Otlp:Endpoint 'not a uri' is not an absolute http:// or https:// address; use e.g. http://collector:4317.")]
    public void AddOtlpPushExporter_BadEndpoint_ThrowsOneLineMessage(string endpoint, string expected)
    {
        var options = new OtlpPushOptions { Endpoint = endpoint };

        var error = Assert.Throws<OptionsValidationException>(() => Sdk.CreateMeterProviderBuilder().AddOtlpPushExporter(options));

        Assert.Equal(expected, error.Message);
    }

    [Theory]
    [InlineData("grpc", null, "http://localhost:4317/")]
    [InlineData("http/protobuf", null, "http://localhost:4318/v1/metrics")]
    [InlineData("http/protobuf", "http://collector:4318", "http://collector:4318/v1/metrics")]
    [InlineData("http/protobuf", "http://prometheus:9090/api/v1/otlp/v1/metrics", "http://prometheus:9090/api/v1/otlp/v1/metrics")]
    [InlineData("grpc", "https://collector:4317", "https://collector:4317/")]
    public void ResolveEndpoint_ProtocolAndEndpoint_AppliesDefaultsAndPath(string protocol, string? endpoint, string expected)
    {
        var options = new OtlpPushOptions { Protocol = protocol, Endpoint = endpoint };

        Assert.Equal(new Uri(expected), options.ResolveEndpoint());
    }

    /// <summary>A minimal OTLP/HTTP receiver on 127.0.0.1 that records what it is sent.</summary>
    private sealed class OtlpReceiver : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private OtlpReceiver(WebApplication app)
        {
            _app = app;
            Address = app.Urls.Single();
        }

        public string Address { get; }

        public ConcurrentQueue<Request> Requests { get; } = new();

        public static async Task<OtlpReceiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            OtlpReceiver? receiver = null;
            app.MapPost("/{**path}", async context =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                receiver!.Requests.Enqueue(new Request(context.Request.Path, context.Request.ContentType, body.ToArray()));
                context.Response.ContentType = "application/x-protobuf";
                context.Response.StatusCode = StatusCodes.Status200OK;
            });
            await app.StartAsync();
            receiver = new OtlpReceiver(app);
            return receiver;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        public sealed record Request(string Path, string? ContentType, byte[] Body);
    }
}
