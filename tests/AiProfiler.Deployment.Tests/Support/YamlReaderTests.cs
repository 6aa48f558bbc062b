using static AiProfiler.Deployment.Tests.Support.YamlReader;

namespace AiProfiler.Deployment.Tests.Support;

/// <summary>The YAML subset reader the install and provisioning tests rely on: it must read what they use and reject what is malformed.</summary>
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
        Assert.Equal("{ \"a\": 1 }\n{ \"b\": 2 }\n", At(root, "data", "appsettings.json"));
    }

    [Fact]
    public void ReadDocuments_SeparatedByDashes_GivesEach()
    {
        var documents = ReadDocuments("kind: A\n---\nkind: B\n");

        Assert.Equal(["A", "B"], documents.Select(d => Str(At(d, "kind"))));
    }

    [Theory]
    [InlineData("a:\n  b: 1\n   c: 2\n", "line 3")]
    [InlineData("a:\n\tb: 1\n", "tab")]
    [InlineData("a: 1\na: 2\n", "duplicate key 'a'")]
    [InlineData("a: [1, 2\n", "flow sequence")]
    [InlineData("a: *ref\n", "aliases")]
    [InlineData("a:\n  - 1\n  b: 2\n", "line 3")]
    public void Read_MalformedText_ThrowsNamingTheProblem(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => Read(text));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
