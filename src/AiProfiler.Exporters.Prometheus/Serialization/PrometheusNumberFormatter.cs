using System.Globalization;
using System.Text;

namespace AiProfiler.Exporters.Prometheus.Serialization;

/// <summary>
/// Writes sample values the way the Prometheus ecosystem writes them: the shortest text that parses back to the same
/// double, in the layout of Go's <c>strconv.FormatFloat(v, 'g', -1, 64)</c> (exponent form below 1e-4 and from 1e6 up,
/// e.g. <c>1e-06</c>, <c>1.7e+09</c>), and <c>NaN</c>, <c>+Inf</c>, <c>-Inf</c> for the special values. Matching that
/// layout keeps <c>le</c> label values identical to those of Go exporters, so the same bucket is the same series.
/// </summary>
internal static class PrometheusNumberFormatter
{
    /// <summary>Appends <paramref name="value"/> in the given format (OpenMetrics adds <c>.0</c> to integral values).</summary>
    public static void AppendDouble(StringBuilder output, double value, PrometheusFormat format)
    {
        if (double.IsNaN(value))
        {
            output.Append("NaN");
            return;
        }

        if (double.IsPositiveInfinity(value))
        {
            output.Append("+Inf");
            return;
        }

        if (double.IsNegativeInfinity(value))
        {
            output.Append("-Inf");
            return;
        }

        Span<char> buffer = stackalloc char[40];
        var length = FormatFinite(value, buffer);
        output.Append(buffer[..length]);

        // OpenMetrics' canonical numbers mark a float as a float: 5.0, not 5.
        if (format == PrometheusFormat.OpenMetrics && buffer[..length].IndexOfAny('.', 'e') < 0)
        {
            output.Append(".0");
        }
    }

    /// <summary>Appends an integral value (counts, long sums and gauges).</summary>
    public static void AppendLong(StringBuilder output, long value)
    {
        Span<char> buffer = stackalloc char[24];
        value.TryFormat(buffer, out var written, provider: CultureInfo.InvariantCulture);
        output.Append(buffer[..written]);
    }

    /// <summary>Formats a double as a string (for <c>le</c> label values, which are cached per boundary).</summary>
    public static string Format(double value, PrometheusFormat format)
    {
        var builder = new StringBuilder(24);
        AppendDouble(builder, value, format);
        return builder.ToString();
    }

    private static int FormatFinite(double value, Span<char> output)
    {
        if (value == 0)
        {
            output[0] = '0';
            return 1;
        }

        var at = 0;
        if (value < 0)
        {
            output[at++] = '-';
            value = -value;
        }

        // .NET's "R" gives the shortest round-trip digits; only their layout differs from Go's, so re-lay them out.
        Span<char> text = stackalloc char[32];
        value.TryFormat(text, out var length, "R", CultureInfo.InvariantCulture);
        text = text[..length];

        var exponentAt = text.IndexOf('E');
        var exponent = exponentAt < 0 ? 0 : int.Parse(text[(exponentAt + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        ReadOnlySpan<char> mantissa = exponentAt < 0 ? text : text[..exponentAt];

        Span<char> digits = stackalloc char[32];
        var digitCount = 0;
        var pointAt = mantissa.IndexOf('.');
        var integerDigits = pointAt < 0 ? mantissa.Length : pointAt;
        foreach (var c in mantissa)
        {
            if (c != '.')
            {
                digits[digitCount++] = c;
            }
        }

        // decimalPoint: how many digits stand before the decimal point once the exponent is applied.
        var decimalPoint = integerDigits + exponent;
        var first = 0;
        while (first < digitCount - 1 && digits[first] == '0')
        {
            first++;
            decimalPoint--;
        }

        var last = digitCount;
        while (last > first + 1 && digits[last - 1] == '0')
        {
            last--;
        }

        ReadOnlySpan<char> significant = digits[first..last];
        var decimalExponent = decimalPoint - 1;
        if (decimalExponent < -4 || decimalExponent >= 6)
        {
            output[at++] = significant[0];
            if (significant.Length > 1)
            {
                output[at++] = '.';
                at += Copy(significant[1..], output[at..]);
            }

            output[at++] = 'e';
            output[at++] = decimalExponent < 0 ? '-' : '+';
            var magnitude = Math.Abs(decimalExponent);
            if (magnitude < 10)
            {
                output[at++] = '0';
            }

            magnitude.TryFormat(output[at..], out var written, provider: CultureInfo.InvariantCulture);
            return at + written;
        }

        if (decimalPoint <= 0)
        {
            output[at++] = '0';
            output[at++] = '.';
            output.Slice(at, -decimalPoint).Fill('0');
            at += -decimalPoint;
            at += Copy(significant, output[at..]);
        }
        else if (decimalPoint >= significant.Length)
        {
            at += Copy(significant, output[at..]);
            output.Slice(at, decimalPoint - significant.Length).Fill('0');
            at += decimalPoint - significant.Length;
        }
        else
        {
            at += Copy(significant[..decimalPoint], output[at..]);
            output[at++] = '.';
            at += Copy(significant[decimalPoint..], output[at..]);
        }

        return at;
    }

    private static int Copy(ReadOnlySpan<char> source, Span<char> destination)
    {
        source.CopyTo(destination);
        return source.Length;
    }
}
