using Microsoft.Playwright;

namespace AiProfiler.Agent.Tests.Page;

/// <summary>The agent's page in a real headless Chromium, as a person opening http://host:9464/ would see it.</summary>
public sealed class AgentPageBrowserTests(AgentPageFixture fixture) : IClassFixture<AgentPageFixture>
{
    private const string GemmRow = "#runs tr[data-workload='gemm'][data-device='cpu']";
    private const float WaitMilliseconds = 60_000;

    [Fact]
    public async Task Page_AfterAGemmRun_ShowsDevicesTheRunAndItsRooflinePointWithNoConsoleErrors()
    {
        var (page, errors) = await OpenAsync(1280, 900);

        await page.WaitForSelectorAsync(GemmRow, new() { Timeout = WaitMilliseconds });

        Assert.Equal(1, await page.Locator("#devices tr[data-device='cpu']").CountAsync());
        var row = await page.Locator(GemmRow).InnerTextAsync();
        Assert.Contains("M=64 N=64 K=64", row, StringComparison.Ordinal);
        Assert.Contains("passed", row, StringComparison.Ordinal);
        var point = page.Locator("#roofline g.pt[data-workload='gemm'][data-device='cpu']");
        Assert.Equal(1, await point.CountAsync());
        Assert.StartsWith("gemm on cpu (", await point.Locator("title").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await page.Locator("#roofline path.roof[data-device='cpu'][data-precision='fp32']").CountAsync());
        Assert.True(await point.IsVisibleAsync(), "the GEMM point lies outside the plot");
        Directory.CreateDirectory(AgentPageFixture.ScreenshotDirectory);
        await page.ScreenshotAsync(new() { Path = Path.Combine(AgentPageFixture.ScreenshotDirectory, "agent-page.png"), FullPage = true });
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Page_WhenANewRunFinishes_UpdatesInPlaceWithoutReloading()
    {
        var (page, errors) = await OpenAsync(1280, 900);
        await page.WaitForSelectorAsync(GemmRow, new() { Timeout = WaitMilliseconds });
        var first = await page.Locator($"{GemmRow} td.started").InnerTextAsync();
        await page.EvaluateAsync("() => { window.__sameDocument = true; }");

        await page.WaitForFunctionAsync(
            "([selector, first]) => { const cell = document.querySelector(selector); return cell !== null && cell.textContent !== first; }",
            new object[] { $"{GemmRow} td.started", first },
            new() { Timeout = WaitMilliseconds, PollingInterval = 250 });

        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page reloaded instead of updating in place");
        Assert.NotEqual(first, await page.Locator($"{GemmRow} td.started").InnerTextAsync());
        Assert.StartsWith("updated ", await page.Locator("#updated").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Page_PluginStringsWithMarkup_AreShownAsTextAndNeverRun()
    {
        var (page, errors) = await OpenAsync(1280, 900);
        var row = page.Locator("#runs tr[data-workload='hostile']");
        await row.WaitForAsync(new() { Timeout = WaitMilliseconds });
        // Wait for one refresh too, so the swapped-in markup is checked as well as the first render.
        await page.WaitForFunctionAsync("() => document.getElementById('updated').textContent.startsWith('updated ')", null, new() { Timeout = WaitMilliseconds });

        var text = await row.InnerTextAsync();

        Assert.Contains(AgentPageFixture.HostileShape, text, StringComparison.Ordinal);
        Assert.Contains(AgentPageFixture.HostileImplementation, text, StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#runs script, #runs img, #runs td > b, #comparison script, #comparison img").CountAsync());
        Assert.Null(await page.EvaluateAsync<int?>("() => window.__pwned ?? null"));
        Assert.Contains(AgentPageFixture.HostileShape, await page.Locator("#roofline g.pt[data-workload='hostile'] title").TextContentAsync(), StringComparison.Ordinal);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Page_OnAPhone_FitsTheScreenWidthAndScrollsOnlyInsideTables()
    {
        var (page, errors) = await OpenAsync(390, 844);
        await page.WaitForSelectorAsync(GemmRow, new() { Timeout = WaitMilliseconds });

        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        var plotWidth = await page.EvaluateAsync<double>("() => document.querySelector('#roofline svg.roofline').getBoundingClientRect().width");

        Assert.True(overflow <= 0, $"the page is {overflow} px wider than a 390 px phone screen");
        Assert.InRange(plotWidth, 300, 390);
        Directory.CreateDirectory(AgentPageFixture.ScreenshotDirectory);
        await page.ScreenshotAsync(new() { Path = Path.Combine(AgentPageFixture.ScreenshotDirectory, "agent-page-phone.png"), FullPage = true });
        Assert.Empty(errors);
    }

    /// <summary>A fresh page on the agent, collecting console errors, uncaught exceptions and failed requests; skips without Chromium.</summary>
    private async Task<(IPage Page, List<string> Errors)> OpenAsync(int width, int height)
    {
        Assert.SkipWhen(fixture.SkipReason is not null, fixture.SkipReason ?? "");
        var page = await fixture.Browser.NewPageAsync(new() { ViewportSize = new() { Width = width, Height = height } });
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add($"console: {message.Text}");
            }
        };
        page.PageError += (_, error) => errors.Add($"page error: {error}");
        page.RequestFailed += (_, request) => errors.Add($"request failed: {request.Url}");
        var response = await page.GotoAsync(fixture.BaseAddress.ToString());
        Assert.Equal(200, response!.Status);
        return (page, errors);
    }
}
