using System.Globalization;
using AiProfiler.Agent.Cli;
using AiProfiler.Core.Advice;
using AiProfiler.Core.Calibration;
using AiProfiler.Core.Devices;
using Microsoft.Extensions.Options;

namespace AiProfiler.Agent.Hosting;

/// <summary>
/// The verdicts for <c>Advise:Scenarios</c>, from this machine's calibration and the memory free on each device now.
/// Recomputed at most every <see cref="Refresh"/> (predictions are arithmetic, but opening a device's memory query is
/// not free), and whenever the calibration changes.
/// </summary>
internal sealed class ConfiguredAdvice(IOptions<AdviseOptions> options, CalibrationCache calibration, DeviceRegistry devices, TimeProvider time)
{
    public static readonly TimeSpan Refresh = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private IReadOnlyList<ScenarioAdvice> _advice = [];
    private MachineCalibration? _basis;
    private DateTimeOffset _at;

    /// <summary>The scenarios configured.</summary>
    public int ScenarioCount => options.Value.Scenarios.Count;

    /// <summary>Why there are no verdicts although scenarios are configured, or null.</summary>
    public string? Pending => ScenarioCount > 0 && calibration.Current is null
        ? "Verdicts appear once this machine is calibrated: the agent measures its devices at start (Calibration:OnStart) when no calibration is cached, or run `aiprofiler calibrate` and restart the agent."
        : null;

    /// <summary>The current verdicts; empty when nothing is configured or the machine is not calibrated yet.</summary>
    public IReadOnlyList<ScenarioAdvice> Current
    {
        get
        {
            if (ScenarioCount == 0 || calibration.Current is not { } measured)
            {
                return [];
            }

            lock (_gate)
            {
                var now = time.GetUtcNow();
                if (!ReferenceEquals(measured, _basis) || now - _at >= Refresh)
                {
                    _advice = [.. options.Value.Scenarios.Select(s => Advise(s, measured))];
                    _basis = measured;
                    _at = now;
                }

                return _advice;
            }
        }
    }

    /// <summary>
    /// Checks every scenario as <c>aiprofiler advise</c> checks its options; one line per problem naming the key, e.g.
    /// <c>Advise:Scenarios:0:Model: unknown model 'lama-8b'; close names: llama-3.1-8b</c>.
    /// </summary>
    public static IReadOnlyList<string> Validate(AdviseOptions options, DeviceRegistry devices)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(devices);
        var errors = new List<string>();
        for (var i = 0; i < options.Scenarios.Count; i++)
        {
            var s = options.Scenarios[i];
            var key = string.Create(CultureInfo.InvariantCulture, $"{AdviseOptions.SectionName}:Scenarios:{i}");
            if (Model(s.Model, out var modelError) is null)
            {
                errors.Add($"{key}:Model: {modelError}");
            }

            if (WeightPrecision.Find(s.Precision) is null)
            {
                errors.Add($"{key}:Precision: unknown precision '{s.Precision}'; use {string.Join(", ", WeightPrecision.All.Select(p => p.Name))}");
            }

            if (Task(s.Task) is null)
            {
                errors.Add($"{key}:Task: '{s.Task}' is not inference, finetune or train");
            }

            if (ServiceLevelObjectives.Parse(s.Slo, out var sloError) is null)
            {
                errors.Add($"{key}:Slo: {sloError}");
            }

            Range(errors, $"{key}:Prompt", s.Prompt, 1, 1 << 20);
            Range(errors, $"{key}:Output", s.Output, 1, 1 << 20);
            Range(errors, $"{key}:TokensPerStep", s.TokensPerStep, 1, 1 << 24);
            Range(errors, $"{key}:Concurrency", s.Concurrency ?? 1, 1, Advisor.ConcurrencyLimit);
            Range(errors, $"{key}:LoraRank", s.LoraRank ?? 1, 1, 65536);
            if (s.Rate is <= 0 or double.NaN)
            {
                errors.Add($"{key}:Rate: {s.Rate} is not above 0");
            }

            if (s.Concurrency is not null && s.Rate is not null)
            {
                errors.Add($"{key}: give Concurrency or Rate, not both");
            }

            for (var d = 0; d < s.Devices.Count; d++)
            {
                if (devices.Validate(s.Devices[d]) is { } deviceError && !deviceError.Contains("is unavailable", StringComparison.Ordinal))
                {
                    errors.Add($"{key}:Devices:{d}: {deviceError}");
                }
            }
        }

        return errors;
    }

    private ScenarioAdvice Advise(AdviseScenarioOptions s, MachineCalibration measured)
    {
        var model = Model(s.Model, out _)!;
        var precision = WeightPrecision.Find(s.Precision)!.Name;
        var task = Task(s.Task)!.Value;
        var slo = ServiceLevelObjectives.Parse(s.Slo, out _)!;
        var ids = s.Devices.Count > 0
            ? s.Devices.Select(DeviceRegistry.Normalize).Where(id => devices.Validate(id) is null).Distinct(StringComparer.Ordinal).ToArray()
            : devices.MeasuringDevices.Select(d => d.Id).ToArray();
        var found = new List<AdviceDevice>();
        foreach (var id in ids)
        {
            if (measured.For(id) is { } device)
            {
                var opened = devices.Open(id);
                found.Add(new AdviceDevice(device, opened.AvailableMemoryBytes, AdviseCommand.UnsupportedPrecisions(opened, task).Keys.ToHashSet(StringComparer.Ordinal)));
            }
        }

        var scenario = new AdviceScenario
        {
            Name = task == AdviceTask.Inference
                ? string.Create(CultureInfo.InvariantCulture, $"{model.Name} {precision} {s.Prompt}+{s.Output} {slo.Name}")
                : string.Create(CultureInfo.InvariantCulture, $"{model.Name} {precision} {(task == AdviceTask.Train ? "train" : "finetune")}{(s.LoraRank is { } r ? $" lora{r}" : "")} seq{s.Prompt}"),
            Model = s.Model,
            Precision = precision,
            Task = task,
            PromptTokens = s.Prompt,
            OutputTokens = s.Output,
            Concurrency = s.Concurrency,
            RequestRate = s.Rate,
            Slo = slo,
            LoraRank = s.LoraRank,
            TokensPerStep = s.TokensPerStep,
            Devices = ids,
        };
        return Advisor.Advise(scenario, model, found);
    }

    private static ModelArchitecture? Model(string name, out string error)
    {
        error = "";
        if (ModelCatalog.Find(name) is { } known)
        {
            return known;
        }

        if (File.Exists(name))
        {
            try
            {
                return ModelFileReader.Read(name);
            }
            catch (InvalidDataException ex)
            {
                error = ex.Message;
                return null;
            }
        }

        error = $"unknown model '{name}'; close names: {string.Join(", ", ModelCatalog.Suggest(name))} (or give the path of a config.json, .safetensors or .gguf file)";
        return null;
    }

    private static AdviceTask? Task(string text) => text switch
    {
        "inference" => AdviceTask.Inference,
        "finetune" => AdviceTask.FineTune,
        "train" => AdviceTask.Train,
        _ => null,
    };

    private static void Range(List<string> errors, string key, long value, long minimum, long maximum)
    {
        if (value < minimum || value > maximum)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{key}: {value} is outside {minimum}..{maximum}"));
        }
    }
}
