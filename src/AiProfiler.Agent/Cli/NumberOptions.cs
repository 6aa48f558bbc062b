using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace AiProfiler.Agent.Cli;

/// <summary>
/// Numeric options that parse their own text, so a value that is not a number, or one too large for its type, is one
/// error line naming the option as typed (<c>-n 'abc' is not a whole number; use 1..100000</c>) instead of the
/// parser's exception.
/// </summary>
internal static class NumberOptions
{
    /// <summary>A whole-number option accepting <paramref name="min"/>..<paramref name="max"/>.</summary>
    public static Option<int> WholeNumber(string name, string description, int min, int max, int defaultValue, params string[] aliases)
    {
        var option = new Option<int>(name, aliases)
        {
            Description = $"{description} ({Invariant(min)}..{Invariant(max)})",
            DefaultValueFactory = _ => defaultValue,
            HelpName = "N",
        };
        option.CustomParser = result =>
        {
            var text = Token(result);
            if (!IsDigits(text))
            {
                result.AddError($"{Typed(result, name)} '{text}' is not a whole number; use {Invariant(min)}..{Invariant(max)}");
                return default;
            }

            if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            {
                result.AddError($"{Typed(result, name)} must be between {Invariant(min)} and {Invariant(max)}, got {text}");
                return default;
            }

            return (int)value;
        };
        return option;
    }

    /// <summary>A duration in seconds accepting <paramref name="min"/>..<paramref name="max"/>.</summary>
    public static Option<double> Seconds(string name, string description, double min, double max, double defaultValue)
    {
        var option = new Option<double>(name)
        {
            Description = $"{description} ({Invariant(min)}..{Invariant(max)})",
            DefaultValueFactory = _ => defaultValue,
            HelpName = "SECONDS",
        };
        option.CustomParser = result =>
        {
            var text = Token(result);
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            {
                result.AddError($"{Typed(result, name)} '{text}' is not a number of seconds; use {Invariant(min)}..{Invariant(max)}");
                return default;
            }

            if (value < min || value > max)
            {
                result.AddError($"{Typed(result, name)} must be between {Invariant(min)} and {Invariant(max)} seconds, got {text}");
                return default;
            }

            return value;
        };
        return option;
    }

    private static string Token(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";

    /// <summary>The option's name as the user typed it (<c>-n</c> or <c>--iterations</c>).</summary>
    private static string Typed(ArgumentResult result, string name) =>
        (result.Parent as OptionResult)?.IdentifierToken?.Value ?? name;

    /// <summary>True for an optionally signed run of digits, however long: such a value is a whole number out of range.</summary>
    private static bool IsDigits(string text)
    {
        var digits = text.Length > 0 && text[0] is '+' or '-' ? text.AsSpan(1) : text.AsSpan();
        return digits.Length > 0 && !digits.ContainsAnyExceptInRange('0', '9');
    }

    private static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);
}
