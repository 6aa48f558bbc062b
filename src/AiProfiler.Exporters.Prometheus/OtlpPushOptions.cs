using System.ComponentModel.DataAnnotations;

namespace AiProfiler.Exporters.Prometheus;

/// <summary>
/// The optional OTLP push of the same metrics, for an OpenTelemetry Collector or Prometheus' OTLP receiver. Off by
/// default; bound from configuration section <c>Metrics:Otlp</c>.
/// </summary>
public sealed class OtlpPushOptions : IValidatableObject
{
    /// <summary>OTLP over gRPC (default port 4317).</summary>
    public const string GrpcProtocol = "grpc";

    /// <summary>OTLP over HTTP with protobuf bodies (default port 4318).</summary>
    public const string HttpProtobufProtocol = "http/protobuf";

    /// <summary>Whether to push at all (default false).</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// Where to push. Empty means the protocol's local default (<c>http://localhost:4317</c> for grpc,
    /// <c>http://localhost:4318</c> for http/protobuf). For http/protobuf an address without a path gets
    /// <c>/v1/metrics</c>; give the full path for a receiver elsewhere (Prometheus: <c>/api/v1/otlp/v1/metrics</c>).
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary><c>grpc</c> (default) or <c>http/protobuf</c>, as in <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>.</summary>
    [AllowedValues(GrpcProtocol, HttpProtobufProtocol, ErrorMessage = "{0} must be 'grpc' or 'http/protobuf'.")]
    public string Protocol { get; set; } = GrpcProtocol;

    /// <summary>Seconds between pushes (default 15).</summary>
    [Range(1, 86_400, ErrorMessage = "{0} must be between {1} and {2} seconds.")]
    public int IntervalSeconds { get; set; } = 15;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(Endpoint)
            && (!Uri.TryCreate(Endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            yield return new ValidationResult(
                $"{nameof(Endpoint)} '{Endpoint}' is not an absolute http:// or https:// address; use e.g. http://collector:4317.",
                [nameof(Endpoint)]);
        }
    }

    /// <summary>The address the OTLP exporter is given, with the protocol's default and path applied.</summary>
    internal Uri ResolveEndpoint()
    {
        var http = Protocol == HttpProtobufProtocol;
        var endpoint = new Uri(string.IsNullOrWhiteSpace(Endpoint) ? (http ? "http://localhost:4318" : "http://localhost:4317") : Endpoint);
        if (http && endpoint.AbsolutePath == "/")
        {
            endpoint = new Uri(endpoint, "/v1/metrics");
        }

        return endpoint;
    }
}
