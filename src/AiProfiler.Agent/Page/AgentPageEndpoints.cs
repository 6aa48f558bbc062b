using System.Security.Cryptography;
using System.Text;
using AiProfiler.Agent.Hosting;
using AiProfiler.Agent.Reporting;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace AiProfiler.Agent.Page;

/// <summary>
/// The agent's page: <c>/</c> (one HTML document), <c>/page/main</c> (the part the page swaps in when it refreshes,
/// with an ETag so an unchanged page costs a 304) and <c>/api/summary</c> (the same snapshot as JSON, which
/// <c>aiprofiler report</c> reads).
/// </summary>
internal static class AgentPageEndpoints
{
    /// <summary>The snapshot builder, and the verdicts of <c>Advise:Scenarios</c> with their metrics.</summary>
    public static IServiceCollection AddAgentPage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AdviseOptions>()
            .Bind(configuration.GetSection(AdviseOptions.SectionName), o => o.ErrorOnUnknownConfiguration = true)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AdviseOptions>, AdviseOptionsValidator>();
        services.AddSingleton<ConfiguredAdvice>();
        services.AddHostedService<AdviceMetrics>();
        return services.AddSingleton<ProfileSnapshotBuilder>();
    }

    public static WebApplication MapAgentPage(this WebApplication app)
    {
        app.MapGet("/", (ProfileSnapshotBuilder builder, ConfiguredAdvice advice, HttpContext context) =>
        {
            var snapshot = builder.Build(advice);
            var main = HtmlReportRenderer.Sections(snapshot);
            context.Response.Headers.ContentSecurityPolicy = ReportAssets.PagePolicy;
            context.Response.Headers.CacheControl = "no-cache";
            return Results.Content(HtmlReportRenderer.Page(snapshot, main, ETag(main)), "text/html; charset=utf-8");
        });
        app.MapGet("/page/main", (ProfileSnapshotBuilder builder, ConfiguredAdvice advice, HttpContext context) =>
        {
            var main = HtmlReportRenderer.Sections(builder.Build(advice));
            var etag = ETag(main);
            context.Response.Headers.CacheControl = "no-cache";
            context.Response.Headers.ETag = etag;
            return context.Request.Headers.IfNoneMatch.Contains(etag)
                ? Results.StatusCode(StatusCodes.Status304NotModified)
                : Results.Content(main, "text/html; charset=utf-8");
        });
        app.MapGet("/api/summary", (ProfileSnapshotBuilder builder, ConfiguredAdvice advice) => Results.Json(builder.Build(advice), ProfileSnapshotJson.Options));
        return app;
    }

    private static string ETag(string main) =>
        new EntityTagHeaderValue($"\"{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(main)), 0, 12)}\"").ToString();
}
