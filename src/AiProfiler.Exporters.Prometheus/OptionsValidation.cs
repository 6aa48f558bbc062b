using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AiProfiler.Exporters.Prometheus;

/// <summary>
/// Checks an options object against its data annotations (and <see cref="IValidatableObject"/>) and reports every
/// problem in one line, prefixed with the configuration section the options come from.
/// </summary>
internal static class OptionsValidation
{
    /// <summary>The problems found, joined in one line, or null when the options are valid.</summary>
    public static string? Problems<TOptions>(TOptions options, string section)
        where TOptions : class
    {
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            return null;
        }

        return string.Join(" ", results.Select(r => $"{section}:{r.ErrorMessage}"));
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> with the one-line message when the options are invalid.</summary>
    public static void ThrowIfInvalid<TOptions>(TOptions options, string section)
        where TOptions : class
    {
        if (Problems(options, section) is { } problems)
        {
            throw new OptionsValidationException(section, typeof(TOptions), [problems]);
        }
    }
}
