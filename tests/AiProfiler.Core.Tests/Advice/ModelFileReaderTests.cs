using System.Text;
using AiProfiler.Core.Advice;

namespace AiProfiler.Core.Tests.Advice;

public sealed class ModelFileReaderTests
{
    [Fact]
    public void Read_HuggingFaceConfig_GivesTheCatalogShapeOfLlama8b()
    {
        using var folder = new TemporaryDirectory();
        var path = folder.File("config.json");
        File.WriteAllText(path, """
            {"architectures":["LlamaForCausalLM"],"model_type":"llama","hidden_size":4096,"intermediate_size":14336,"num_attention_heads":32,
             "num_hidden_layers":32,"num_key_value_heads":8,"vocab_size":128256,"max_position_embeddings":131072,"tie_word_embeddings":false,"torch_dtype":"bfloat16"}
            """);

        var model = ModelFileReader.Read(path);

        Assert.Equal(ModelArithmetic.TotalParameters(ModelCatalog.Find("llama-3.1-8b")!), ModelArithmetic.TotalParameters(model));
        Assert.Equal("bf16", model.FilePrecision);
        Assert.Equal(8, model.KvHeads);
    }

    [Fact]
    public void Read_GgufHeader_ReadsTheShapeAndTheFileType()
    {
        using var folder = new TemporaryDirectory();
        var path = folder.File("model-Q4_K_M.gguf");
        WriteGguf(path, "llama", layers: 16, width: 2048, heads: 32, kvHeads: 8, ffn: 8192, vocab: 128256, fileType: 15);

        var model = ModelFileReader.Read(path);

        Assert.Equal(16, model.Layers);
        Assert.Equal(2048, model.DModel);
        Assert.Equal(8, model.KvHeads);
        Assert.Equal(64, model.HeadDim);
        Assert.Equal(128256, model.Vocab);
        Assert.Equal("q4_k", model.FilePrecision);
    }

    [Fact]
    public void Read_SafetensorsHeaderWithGpt2Names_ReadsTheShapeWithoutTheWeights()
    {
        using var folder = new TemporaryDirectory();
        var path = folder.File("model.safetensors");
        var tensors = new StringBuilder("{\"wte.weight\":{\"dtype\":\"F32\",\"shape\":[50257,768],\"data_offsets\":[0,0]},\"wpe.weight\":{\"dtype\":\"F32\",\"shape\":[1024,768],\"data_offsets\":[0,0]}");
        for (var layer = 0; layer < 12; layer++)
        {
            tensors.Append(System.Globalization.CultureInfo.InvariantCulture, $",\"h.{layer}.attn.c_attn.weight\":{{\"dtype\":\"F32\",\"shape\":[768,2304],\"data_offsets\":[0,0]}},\"h.{layer}.mlp.c_fc.weight\":{{\"dtype\":\"F32\",\"shape\":[768,3072],\"data_offsets\":[0,0]}}");
        }

        var header = Encoding.UTF8.GetBytes(tensors.Append('}').ToString());
        using (var file = File.Create(path))
        {
            file.Write(BitConverter.GetBytes((long)header.Length));
            file.Write(header);
        }

        var model = ModelFileReader.Read(path);

        Assert.Equal(ModelArithmetic.TotalParameters(ModelCatalog.Find("gpt2")!), ModelArithmetic.TotalParameters(model));
        Assert.Equal("fp32", model.FilePrecision);
    }

    [Theory]
    [InlineData("notes.txt", "just some text")]
    [InlineData("config.json", "{\"name\": \"not a model\"}")]
    [InlineData("broken.safetensors", "\u0001\u0002\u0003")]
    public void Read_NotAModel_IsOneLineInvalidDataException(string name, string content)
    {
        using var folder = new TemporaryDirectory();
        var path = folder.File(name);
        File.WriteAllText(path, content);

        var ex = Assert.Throws<InvalidDataException>(() => ModelFileReader.Read(path));

        Assert.DoesNotContain('\n', ex.Message);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    private static void WriteGguf(string path, string arch, int layers, int width, int heads, int kvHeads, int ffn, int vocab, int fileType)
    {
        using var writer = new BinaryWriter(File.Create(path), Encoding.UTF8);
        void Str(string s)
        {
            var bytes = Encoding.UTF8.GetBytes(s);
            writer.Write((ulong)bytes.Length);
            writer.Write(bytes);
        }

        void U32(string key, uint value)
        {
            Str(key);
            writer.Write(4u);
            writer.Write(value);
        }

        writer.Write(0x46554747u);
        writer.Write(3u);
        writer.Write(0ul);
        writer.Write(10ul);
        Str("general.architecture");
        writer.Write(8u);
        Str(arch);
        U32($"{arch}.block_count", (uint)layers);
        U32($"{arch}.embedding_length", (uint)width);
        U32($"{arch}.attention.head_count", (uint)heads);
        U32($"{arch}.attention.head_count_kv", (uint)kvHeads);
        U32($"{arch}.feed_forward_length", (uint)ffn);
        U32($"{arch}.context_length", 131072);
        U32("general.file_type", (uint)fileType);
        Str("tokenizer.ggml.tokens");
        writer.Write(9u);
        writer.Write(8u);
        writer.Write((ulong)vocab);
        for (var i = 0; i < vocab; i++)
        {
            Str("t");
        }

        Str("general.name");
        writer.Write(8u);
        Str("Test Model");
    }
}
