using static AiProfiler.Deployment.Tests.Support.YamlReader;

namespace AiProfiler.Deployment.Tests.Support;

/// <summary>The YAML trees the install and provisioning tests walk: what they use is read, a malformed file is refused.</summary>
public sealed class YamlReaderTests
{
    [Fact]
    public void Read_NestedMappingsSequencesAndScalars_GivesTheTree()
    {
        var root = Read("""
            # comment
            services:
              agent:
                image: "aiprofiler:0.1.0"   # trailing comment
                ports: ["127.0.0.1:9464:9464", '9090']
                command:
                  - --config.file=/etc/prometheus/prometheus.yml
                env:
                - name: A
                  value: /proc:/host/proc:ro
                - name: B
                empty:
            data:
              appsettings.json: |
                { "a": 1 }
                { "b": 2 }
            """);

        Assert.Equal("aiprofiler:0.1.0", At(root, "services", "agent", "image"));
        Assert.Equal(["127.0.0.1:9464:9464", "9090"], Seq(At(root, "services", "agent", "ports")).Cast<string>());
        Assert.Equal("--config.file=/etc/prometheus/prometheus.yml", At(root, "services", "agent", "command", 0));
        Assert.Equal("/proc:/host/proc:ro", At(root, "services", "agent", "env", 0, "value"));
        Assert.Equal("B", At(root, "services", "agent", "env", 1, "name"));
        Assert.Null(At(root, "services", "agent", "empty"));
        Assert.Equal("{ \"a\": 1 }\n{ \"b\": 2 }", At(root, "data", "appsettings.json"));
    }

    [Fact]
    public void ReadDocuments_SeparatedByDashes_GivesEach()
    {
        var documents = ReadDocuments("kind: A\n---\nkind: B\n");

        Assert.Equal(["A", "B"], documents.Select(d => Str(At(d, "kind"))));
    }

    [Theory]
    [InlineData("a: 1\na: 2\n", "Line: 1, Col: 1, Idx: 0: Encountered duplicate key a")]
    [InlineData("a:\n\tb: 1\n", "Line: 1, Col: 1, Idx: 0: While scanning a mapping")]
    [InlineData("a: [1, 2\n", "Line: 2, Col: 1, Idx: 9: While parsing a flow sequence")]
    public void Read_MalformedText_ThrowsNamingThePosition(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => Read(text));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
