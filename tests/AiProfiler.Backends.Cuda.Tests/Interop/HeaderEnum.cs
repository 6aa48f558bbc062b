namespace AiProfiler.Backends.Cuda.Tests.Interop;

/// <summary>Checks an enum against values transcribed from a header: every member must be listed, with its value.</summary>
internal static class HeaderEnum
{
    internal static void AssertMatches<TEnum>(params (string Member, string HeaderName, int Value)[] header)
        where TEnum : struct, Enum
    {
        Assert.Equal(header.Select(h => h.Member).Order(StringComparer.Ordinal), Enum.GetNames<TEnum>().Order(StringComparer.Ordinal));
        foreach (var (member, headerName, value) in header)
        {
            var actual = Convert.ToInt32(Enum.Parse<TEnum>(member), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(actual == value, $"{typeof(TEnum).Name}.{member} is {actual} but {headerName} is {value}");
        }
    }
}
