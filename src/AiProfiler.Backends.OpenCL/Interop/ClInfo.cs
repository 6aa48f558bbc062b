using System.Text;

namespace AiProfiler.Backends.OpenCL.Interop;

/// <summary>Reads platform and device properties (<c>clGetPlatformInfo</c>, <c>clGetDeviceInfo</c>).</summary>
internal static unsafe class ClInfo
{
    public static string PlatformString(nint platform, uint param)
    {
        nuint size;
        OpenClException.Check(OpenClNative.clGetPlatformInfo(platform, param, 0, null, &size), "clGetPlatformInfo");
        var bytes = new byte[(int)size];
        fixed (byte* p = bytes)
        {
            OpenClException.Check(OpenClNative.clGetPlatformInfo(platform, param, size, p, null), "clGetPlatformInfo");
        }

        return Decode(bytes);
    }

    public static string DeviceString(nint device, uint param)
    {
        nuint size;
        OpenClException.Check(OpenClNative.clGetDeviceInfo(device, param, 0, null, &size), "clGetDeviceInfo");
        var bytes = new byte[(int)size];
        fixed (byte* p = bytes)
        {
            OpenClException.Check(OpenClNative.clGetDeviceInfo(device, param, size, p, null), "clGetDeviceInfo");
        }

        return Decode(bytes);
    }

    public static T DeviceValue<T>(nint device, uint param)
        where T : unmanaged
    {
        T value;
        OpenClException.Check(OpenClNative.clGetDeviceInfo(device, param, (nuint)sizeof(T), &value, null), "clGetDeviceInfo");
        return value;
    }

    /// <summary>A C string from an info query: up to the first NUL, trimmed (drivers pad names with spaces).</summary>
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        var end = bytes.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end >= 0 ? bytes[..end] : bytes).Trim();
    }
}
