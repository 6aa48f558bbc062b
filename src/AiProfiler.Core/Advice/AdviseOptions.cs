namespace AiProfiler.Core.Advice;

/// <summary>Configuration section <c>Advise</c>: the scenarios the agent answers on its page and in its metrics.</summary>
public sealed class AdviseOptions
{
    /// <summary>The configuration section's name.</summary>
    public const string SectionName = "Advise";

    /// <summary>The scenarios; none by default.</summary>
    public IList<AdviseScenarioOptions> Scenarios { get; } = [];

    /// <summary>
    /// Builds the scenario and resolves the model of <paramref name="options"/>; returns null and a one-line
    /// <paramref name="error"/> when the model, precision or SLO is not one the advisor knows.
    /// </summary>
    public static (AdviceScenario Scenario, ModelArchitecture Model)? Build(AdviseScenarioOptions options, out string error)
    {
        ArgumentNullException.ThrowIfNull(options);
        error = "";
        ModelArchitecture? model;
        try
        {
            model = ModelCatalog.Find(options.Model) ?? (File.Exists(options.Model) ? ModelFileReader.Read(options.Model) : null);
        }
        catch (InvalidDataException ex)
        {
            error = ex.Message;
            return null;
        }

        if (model is null)
        {
            error = $"unknown model '{options.Model}'; close names: {string.Join(", ", ModelCatalog.Suggest(options.Model))}";
            return null;
        }

        if (WeightPrecision.Find(options.Precision) is not { } precision)
        {
            error = $"unknown precision '{options.Precision}'; use {string.Join(", ", WeightPrecision.All.Select(p => p.Name))}";
            return null;
        }

        if (ServiceLevelObjectives.Parse(options.Slo, out error) is not { } slo)
        {
            return null;
        }

        var task = options.Task switch { "finetune" => AdviceTask.FineTune, "train" => AdviceTask.Train, "inference" => AdviceTask.Inference, _ => (AdviceTask?)null };
        if (task is null || options.Prompt < 1 || options.Output < 1 || options.TokensPerStep < 1)
        {
            error = $"scenario for '{options.Model}': task must be inference, finetune or train and prompt, output and tokens per step at least 1";
            return null;
        }

        var name = AdviceScenario.NameOf(model.Name, precision.Name, task.Value, options.Prompt, options.Output, slo.Name, options.LoraRank);
        var scenario = new AdviceScenario
        {
            Name = name,
            Model = options.Model,
            Precision = precision.Name,
            Task = task.Value,
            PromptTokens = options.Prompt,
            OutputTokens = options.Output,
            Concurrency = options.Concurrency,
            RequestRate = options.Rate,
            Slo = slo,
            LoraRank = options.LoraRank,
            TokensPerStep = options.TokensPerStep,
        };
        return (scenario, model);
    }
}
