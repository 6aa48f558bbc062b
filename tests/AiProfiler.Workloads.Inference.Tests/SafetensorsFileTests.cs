using System.Text;

namespace AiProfiler.Workloads.Inference.Tests;

public sealed class SafetensorsFileTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    [Fact]
    public void ReadFloat32_F32F16AndBF16_GiveTheSameValues()
    {
        var path = _directory.File("mixed.safetensors");
        SafetensorsWriter.Write(path, [
            ("a", "F32", [2, 2], SafetensorsWriter.Float32([1f, -2.5f, 0.099975586f, 65504f])),
            ("b", "F16", [4], SafetensorsWriter.Halves([0x3C00, 0xC100, 0x2E66, 0x7BFF])),
            ("c", "BF16", [4], SafetensorsWriter.Halves([0x3F80, 0xC020, 0x3DCC, 0x477F])),
        ]);

        using var file = SafetensorsFile.Open(path);

        Assert.Equal([1f, -2.5f, 0.099975586f, 65504f], file.ReadFloat32(file.Tensors["a"]));
        Assert.Equal([1f, -2.5f, 0.099975586f, 65504f], file.ReadFloat32(file.Tensors["b"]));
        Assert.Equal([1f, -2.5f, 0.099609375f, 65280f], file.ReadFloat32(file.Tensors["c"]));
        Assert.Equal([2L, 2L], file.Tensors["a"].Shape);
    }

    [Fact]
    public void Open_FileShorterThanEightBytes_ThrowsNotSafetensors()
    {
        var path = _directory.File("short.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);

        var error = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Open(path));

        Assert.Equal($"'{path}' is not a safetensors file: it is shorter than the 8-byte header length", error.Message);
    }

    [Fact]
    public void Open_HeaderLengthBeyondTheFile_ThrowsNamingBothSizes()
    {
        var path = _directory.File("long.safetensors");
        File.WriteAllBytes(path, [.. BitConverter.GetBytes(1000UL), .. Encoding.UTF8.GetBytes("{}")]);

        var error = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Open(path));

        Assert.Equal($"'{path}' is not a safetensors file: its header length 1000 does not fit the file of 10 bytes", error.Message);
    }

    [Fact]
    public void Open_HeaderNotJson_ThrowsInvalidHeader()
    {
        var path = _directory.File("bad.safetensors");
        SafetensorsWriter.WriteRaw(path, "{\"a\": [", []);

        var error = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Open(path));

        Assert.StartsWith($"'{path}' has an invalid safetensors header: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Open_EntryWithoutOffsets_ThrowsNamingTheTensor()
    {
        var path = _directory.File("nooffsets.safetensors");
        SafetensorsWriter.WriteRaw(path, "{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", new byte[4]);

        var error = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Open(path));

        Assert.Equal($"tensor 'w' in '{path}' lacks a string dtype, a shape array or two data_offsets", error.Message);
    }

    [Fact]
    public void Open_OffsetsNotMatchingShape_ThrowsNamingBoth()
    {
        var path = _directory.File("mismatch.safetensors");
        SafetensorsWriter.WriteRaw(path, "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[12]);

        var error = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Open(path));

        Assert.Equal($"tensor 'w' in '{path}' has data_offsets [0,8] (8 bytes), which does not match shape [3] of F32", error.Message);
    }

    [Fact]
    public void Open_TensorPastTheEnd_ThrowsTruncated()
    {
        var path = _directory.File("truncated.safetensors");
        SafetensorsWriter.WriteRaw(path, "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[8]);

        var error = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Open(path));

        Assert.EndsWith("ends at byte 79, past the end of the file (71 bytes); the file is truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFloat32_IntegerTensor_ThrowsSupportedTypes()
    {
        var path = _directory.File("ints.safetensors");
        SafetensorsWriter.Write(path, [("ids", "I64", [1], new byte[8])]);
        using var file = SafetensorsFile.Open(path);

        var error = Assert.Throws<InvalidDataException>(() => file.ReadFloat32(file.Tensors["ids"]));

        Assert.Equal($"tensor 'ids' in '{path}' has dtype I64; supported: F32, F16, BF16", error.Message);
    }

    public void Dispose() => _directory.Dispose();
}
