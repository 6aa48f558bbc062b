using System.CommandLine;
using System.Globalization;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Agent.Reporting;
using AiProfiler.Core.Advice;
using AiProfiler.Core.Calibration;
using AiProfiler.Core.Devices;
using AiProfiler.Core.Metrics;

namespace AiProfiler.Agent.Cli;

/// <summary>
/// <c>aiprofiler advise</c>: for a model, a task and a load, predicts from this machine's calibration what each
/// device does (memory fit, TTFT, TPOT, tokens/s, users within the SLO, goodput, or training step time) and prints a
/// verdict line per scenario; <c>--validate</c> runs the real workload to check the predictions.
/// </summary>
internal static class AdviseCommand
{
    public const string Usage = "usage: aiprofiler advise --model NAME|PATH [--precision fp32|fp16|bf16|q8_0|q4_0|q4_k|q6_k ...] [--task inference|finetune|train] [--prompt N] [--output N] [--concurrency N | --rate R] [--slo mlperf-server|mlperf-interactive|ttft=2s,tpot=100ms] [--lora-rank R] [--tokens-per-step N] [--device ID]... [--validate] [--format table|json|markdown|html] [--out FILE]";

    public static Command Create(TextWriter output, TextWriter error)
    {
        var model = new Option<string>("--model", "-m") { Description = "a catalog model (gpt2, llama-3.1-8b, ...) or the path of a config.json, .safetensors or .gguf file", Required = true, HelpName = "NAME|PATH" };
        var precision = new Option<string[]>("--precision") { Description = "weight precision; repeat to compare", HelpName = "fp32|fp16|bf16|q8_0|q4_0|q4_k|q6_k", AllowMultipleArgumentsPerToken = true };
        var task = new Option<string>("--task") { Description = "inference, finetune or train", DefaultValueFactory = _ => "inference" };
        task.AcceptOnlyFromAmong("inference", "finetune", "train");
        var prompt = Positive("--prompt", "prompt tokens per request (sequence length when training)", 512);
        var outputTokens = Positive("--output", "generated tokens per request", 128);
        var concurrency = new Option<int?>("--concurrency") { Description = "concurrent requests to predict for (default: the most that meet the SLO)", HelpName = "N" };
        var rate = new Option<double?>("--rate") { Description = "offered requests per second", HelpName = "R" };
        var slo = new Option<string>("--slo") { Description = "mlperf-server (TTFT 2 s, TPOT 100 ms), mlperf-interactive (500 ms, 30 ms) or ttft=..,tpot=..", DefaultValueFactory = _ => "mlperf-server" };
        var lora = new Option<int?>("--lora-rank") { Description = "fine-tune LoRA adapters of this rank instead of every weight", HelpName = "R" };
        var tokensPerStep = Positive("--tokens-per-step", "tokens per optimizer step (fine-tuning, training)", 2048);
        var device = new Option<string[]>("--device", "-d") { Description = "device id; repeat (default: every device found)", HelpName = "ID" };
        var validate = new Option<bool>("--validate") { Description = "run the real inference (or, for --task finetune and train, finetune) workload on each device at a bounded size and print predicted against measured" };
        var format = AgentCli.FormatOption("table", "json", "markdown", "html");
        var outFile = new Option<string?>("--out") { Description = "write to this file instead of standard output", HelpName = "FILE" };
        var plugins = AgentCli.PluginsOption();
        var config = AgentCli.ConfigOption();
        var command = new Command("advise", "Is the CPU enough? Predict memory fit, TTFT, TPOT, users within an SLO and goodput (or training step time) per device, from this machine's calibration.")
        {
            model, precision, task, prompt, outputTokens, concurrency, rate, slo, lora, tokensPerStep, device, validate, format, outFile, plugins, config,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            int Fail(string message) => AgentCli.Usage(error, "advise", message);
            var name = parse.GetValue(model)!;
            ModelArchitecture architecture;
            if (ModelCatalog.Find(name) is { } known)
            {
                architecture = known;
            }
            else if (LooksLikePath(name))
            {
                try
                {
                    architecture = ModelFileReader.Read(name);
                }
                catch (InvalidDataException ex)
                {
                    return Fail(ex.Message);
                }
            }
            else
            {
                return Fail($"unknown model '{name}'; close names: {string.Join(", ", ModelCatalog.Suggest(name))} (or give a config.json, .safetensors or .gguf path)");
            }

            var precisions = parse.GetValue(precision) is { Length: > 0 } given ? given : [architecture.FilePrecision ?? "fp32"];
            if (precisions.FirstOrDefault(p => WeightPrecision.Find(p) is null) is { } unknown)
            {
                return Fail($"unknown precision '{unknown}'; use {string.Join(", ", WeightPrecision.All.Select(p => p.Name))}");
            }

            if (ServiceLevelObjectives.Parse(parse.GetValue(slo)!, out var sloError) is not { } objective)
            {
                return Fail(sloError);
            }

            if (parse.GetValue(concurrency) is not null && parse.GetValue(rate) is not null)
            {
                return Fail("give --concurrency or --rate, not both");
            }

            if (parse.GetValue(concurrency) is < 1 or > Advisor.ConcurrencyLimit || parse.GetValue(rate) is <= 0 or double.NaN || parse.GetValue(lora) is < 1 or > 65536)
            {
                return Fail(Units.Invariant($"--concurrency must be 1..{Advisor.ConcurrencyLimit}, --rate above 0, --lora-rank 1..65536"));
            }

            var taskKind = parse.GetValue(task) switch { "finetune" => AdviceTask.FineTune, "train" => AdviceTask.Train, _ => AdviceTask.Inference };
            if (taskKind != AdviceTask.Inference && parse.GetValue(lora) is null && precisions.FirstOrDefault(p => WeightPrecision.Find(p)!.Quantized) is { } quantized)
            {
                return Fail($"full {(taskKind == AdviceTask.Train ? "training" : "fine-tuning")} cannot update {quantized} weights; use --lora-rank R (QLoRA) or fp32/fp16/bf16");
            }

            if (parse.GetValue(prompt) + (taskKind == AdviceTask.Inference ? parse.GetValue(outputTokens) : 0) > architecture.Context)
            {
                return Fail($"--prompt {parse.GetValue(prompt)} + --output {parse.GetValue(outputTokens)} exceeds {architecture.Name}'s context of {architecture.Context} tokens");
            }

            using var environment = CommandEnvironment.Create(parse.GetValue(config), parse.GetValue(plugins), error, loadPlugins: parse.GetValue(validate));
            var explicitDevices = parse.GetValue(device) is { Length: > 0 };
            var ids = explicitDevices
                ? parse.GetValue(device)!.Select(DeviceRegistry.Normalize).Distinct(StringComparer.Ordinal).ToArray()
                : environment.Devices.MeasuringDevices.Select(d => d.Id).ToArray();
            foreach (var id in parse.GetValue(device) ?? [])
            {
                if (environment.Devices.Validate(id) is { } problem)
                {
                    return Fail(problem);
                }
            }

            var cache = environment.Get<CalibrationCache>();
            var calibration = cache.GetOrCalibrate(false, id => error.WriteLine($"calibrating {id} (once per machine; cached in {cache.FilePath}) ..."), out _, cancellationToken);
            var devices = new List<AdviceDevice>();
            foreach (var id in ids)
            {
                var opened = environment.Devices.Open(id);
                var unsupported = UnsupportedPrecisions(opened, taskKind);
                if (explicitDevices && precisions.FirstOrDefault(unsupported.ContainsKey) is { } cannot)
                {
                    return Fail($"device '{id}' cannot run {cannot} ({unsupported[cannot]}); choose another --precision or --device");
                }

                if (calibration.For(id) is { } measured)
                {
                    devices.Add(new AdviceDevice(measured, opened.AvailableMemoryBytes, unsupported.Keys.ToHashSet(StringComparer.Ordinal)));
                }
            }

            var scenarios = new List<ScenarioAdvice>();
            foreach (var p in precisions.Select(p => WeightPrecision.Find(p)!.Name))
            {
                var scenario = new AdviceScenario
                {
                    Name = AdviceScenario.NameOf(architecture.Name, p, taskKind, parse.GetValue(prompt), parse.GetValue(outputTokens), objective.Name, parse.GetValue(lora)),
                    Model = name,
                    Precision = p,
                    Task = taskKind,
                    PromptTokens = parse.GetValue(prompt),
                    OutputTokens = parse.GetValue(outputTokens),
                    Concurrency = parse.GetValue(concurrency),
                    RequestRate = parse.GetValue(rate),
                    Slo = objective,
                    LoraRank = parse.GetValue(lora),
                    TokensPerStep = parse.GetValue(tokensPerStep),
                    Devices = ids,
                };
                var advice = Advisor.Advise(scenario, architecture, devices);
                if (parse.GetValue(validate))
                {
                    advice = await AdviceValidator.ValidateAsync(advice, environment, calibration, error, cancellationToken).ConfigureAwait(false);
                }

                scenarios.Add(advice);
            }

            var report = new AdviceReport(environment.Get<TimeProvider>().GetUtcNow(), calibration, scenarios);
            var text = parse.GetValue(format) switch
            {
                "json" => AdviceFormatter.Json(report),
                "markdown" => AdviceFormatter.Text(report, markdown: true),
                "html" => HtmlReportRenderer.Report(new ProfileSnapshotBuilder(environment.Devices, environment.Get<ProfilerMetrics>(), environment.Get<CalibrationCache>(), environment.Get<TimeProvider>()).Build(report)),
                _ => AdviceFormatter.Text(report, markdown: false),
            };
            if (parse.GetValue(outFile) is { } path)
            {
                await File.WriteAllTextAsync(path, text, cancellationToken).ConfigureAwait(false);
                error.WriteLine($"advice written to {path}");
            }
            else
            {
                output.Write(text);
            }

            return AgentCli.Success;
        });
        return command;
    }

    /// <summary>
    /// The precisions a device cannot run the task in, each with the reason. Inference keeps the weights in their own
    /// format and multiplies them with <see cref="ITensorOps.LinearWeights"/>, so what counts is the weight formats the
    /// device decodes (OpenCL without an fp16 GEMM still runs fp16 weights; ILGPU devices take fp32 weights only).
    /// Training and fine-tuning multiply in the precision itself, so an accelerator needs a GEMM in it. The CPU widens
    /// every format to fp32 and runs them all.
    /// </summary>
    public static IReadOnlyDictionary<string, string> UnsupportedPrecisions(IDevice device, AdviceTask task)
    {
        ArgumentNullException.ThrowIfNull(device);
        var unsupported = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var precision in WeightPrecision.All)
        {
            var type = DataTypeExtensions.ParseShortName(precision.Name);
            if (task == AdviceTask.Inference && !device.Ops.SupportsWeights(type))
            {
                unsupported[precision.Name] = $"it does not decode {precision.Name} weights";
            }
            else if (task != AdviceTask.Inference && device.Info.Kind != DeviceKind.Cpu && type is DataType.Float16 or DataType.BFloat16
                && !device.Ops.SupportsGemm(type))
            {
                unsupported[precision.Name] = $"{device.Ops.GemmImplementation} GEMM has no {precision.Name}";
            }
        }

        return unsupported;
    }

    private static bool LooksLikePath(string text) =>
        text.Contains('/', StringComparison.Ordinal) || text.Contains('\\', StringComparison.Ordinal) || File.Exists(text)
        || text.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || text.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) || text.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase);

    private static Option<int> Positive(string name, string description, int fallback)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => fallback, HelpName = "N" };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 1_048_576)
            {
                r.AddError($"{name} must be between 1 and 1048576, got {r.GetValueOrDefault<int>()}");
            }
        });
        return option;
    }
}
