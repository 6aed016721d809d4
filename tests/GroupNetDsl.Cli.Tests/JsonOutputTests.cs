using System.Text.Json;
using System.Text.Json.Nodes;
using GroupNetDsl.Cli.Tests.Infrastructure;
using GroupNetDsl.TestSupport.Samples;
using GroupNetDsl.Weights;
using Json.Schema;

namespace GroupNetDsl.Cli.Tests;

/// <summary>
/// `--format json` of summary, inspect and verify: each document is valid against its schema in docs/schemas
/// (validated by JsonSchema.Net, an independent implementation of JSON Schema), and its values are PyTorch's.
/// </summary>
public sealed class JsonOutputTests : CommandTests
{
    [Fact]
    public void Check_json_follows_its_schema_with_each_diagnostic_its_position_and_the_calls_that_used_a_block()
    {
        // groups 3 divides neither 64 in nor 64 out (GNET0201, GNET0202), inside a block used at line 5.
        string path = Files.Write("net.gnet", "block B(c) {\n    d = conv(c, c, 3, groups: 3)\n}\nnetwork N(input: 64x8x8) {\n    b = B(64)\n}\n");

        var run = Gnet.Run("check", path, "--format", "json");

        Assert.Equal(ExitCodes.ProblemsFound, run.ExitCode);
        var document = Valid("gnet-check", run.Output);
        Assert.Equal(2, (int)document["errors"]!);
        Assert.Equal(["GNET0201", "GNET0202"], document["diagnostics"]!.AsArray().Select(d => (string?)d!["id"]));
        var error = document["diagnostics"]![0]!;
        Assert.Equal((path, 2, 31), ((string?)error["location"]!["file"], (int)error["location"]!["line"]!, (int)error["location"]!["column"]!));
        Assert.Equal(5, (int)error["usedAt"]![0]!["line"]!);
        Assert.Equal("docs/diagnostics/GNET0201.md", (string?)error["help"]);
        Assert.Contains("valid: 1, 2, 4, 8, 16, 32, 64", (string?)error["message"], StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_json_follows_its_schema_and_counts_what_pytorch_counts()
    {
        var run = Gnet.Run("summary", ReferenceData.MiniGroupNetSource, "--format", "json");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        var network = Valid("gnet-summary", run.Output)["networks"]![0]!;
        Assert.Equal("MiniGroupNet", (string?)network["name"]);
        Assert.Equal(ReferenceData.MiniGroupNetParameters, (long)network["parameters"]!);
        Assert.Equal("[3,64,64]", network["input"]!.ToJsonString());
        Assert.Equal("[10]", network["output"]!.ToJsonString());
        var groupConv = network["layers"]!.AsArray().Single(l => (string?)l!["path"] == "stage1.group_conv.0")!;
        Assert.Equal("conv", (string?)groupConv["op"]);
        Assert.Equal($"[{string.Join(",", ReferenceData.Layer("stage1.group_conv.0").ShapeText.Split('x'))}]", groupConv["output"]!.ToJsonString());
    }

    [Fact]
    public void Inspect_json_follows_its_schema_and_lists_every_tensor()
    {
        var run = Gnet.Run("inspect", ReferenceData.MiniGroupNetWeights, "--format", "json");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        var document = Valid("gnet-inspect", run.Output);
        var stem = document["tensors"]!.AsArray().Single(t => (string?)t!["name"] == "stem.0.weight")!;
        Assert.Equal("F32", (string?)stem["dtype"]);
        Assert.Equal("[64,3,3,3]", stem["shape"]!.ToJsonString());
        Assert.Equal(64 * 3 * 3 * 3 * 4, (long)stem["bytes"]!);
        Assert.Equal(document["tensors"]!.AsArray().Count, (int)document["totals"]!["tensors"]!);
    }

    [Fact]
    public void Verify_json_follows_its_schema_for_a_match_and_for_every_kind_of_problem()
    {
        var passed = Gnet.Run("verify", ReferenceData.MiniGroupNetSource, ReferenceData.MiniGroupNetWeights, "--format", "json");
        Assert.Equal(ExitCodes.Success, passed.ExitCode);
        Assert.True((bool)Valid("gnet-verify", passed.Output)["passed"]!);

        string path = Files.File("several.safetensors");
        TensorSpec.Write(path, SafeTensorsFile.Open(ReferenceData.MiniGroupNetWeights).Tensors
            .Where(t => t.Name != "stem.0.weight")
            .Select(t => new TensorSpec(t.Name, t.DataType.GetFormatName(), t.Shape.ToArray()))
            .Select(t => t.Name == "fc.weight" ? t with { Shape = new long[] { 10, 128 } } : t)
            .Append(new TensorSpec("module.stem.0.weight", "F32", new long[] { 64, 3, 3, 3 })));
        var failed = Gnet.Run("verify", ReferenceData.MiniGroupNetSource, path, "--format", "json");

        Assert.Equal(ExitCodes.ProblemsFound, failed.ExitCode);
        var document = Valid("gnet-verify", failed.Output);
        Assert.False((bool)document["passed"]!);
        Assert.Equal(
            ["missing stem.0.weight", "wrong-shape fc.weight", "unexpected module.stem.0.weight"],
            document["problems"]!.AsArray().Select(p => $"{(string?)p!["kind"]} {(string?)p["key"]}"));
    }

    [Fact]
    public void Compare_json_follows_its_schema()
    {
        string io = ReferenceData.MiniGroupNetInputAndOutput;
        var run = Gnet.Run("compare", ReferenceData.MiniGroupNetSource, ReferenceData.MiniGroupNetWeights, io, io, "--format", "json");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        var document = Valid("gnet-compare", run.Output);
        Assert.True((bool)document["passed"]!);
        Assert.Equal("MiniGroupNet", (string?)document["network"]);
    }

    [Fact]
    public void The_schemas_reject_a_document_that_breaks_them()
    {
        // The validation is real: a missing field and a wrong type both fail.
        Assert.False(Evaluate("gnet-verify", """{"schema":"gnet-verify/1","file":"f","network":"n","passed":"yes","matchedTensors":1,"matchedParameters":1,"problems":[]}""").IsValid);
        Assert.False(Evaluate("gnet-inspect", """{"schema":"gnet-inspect/1","file":"f","tensors":[],"totals":{"tensors":0,"elements":0}, "metadata":{}}""").IsValid);
    }

    private static JsonNode Valid(string schema, string output)
    {
        var result = Evaluate(schema, output);
        Assert.True(result.IsValid, $"{schema}: {JsonSerializer.Serialize(result)}\n{output}");
        return JsonNode.Parse(output)!;
    }

    // Parsed once each: JsonSchema.Net registers a schema under its $id and refuses a second registration.
    private static readonly Dictionary<string, Lazy<JsonSchema>> Schemas = new[] { "gnet-check", "gnet-summary", "gnet-inspect", "gnet-verify", "gnet-compare" }
        .ToDictionary(name => name, name => new Lazy<JsonSchema>(() => JsonSchema.FromText(RepositoryFiles.Read($"docs/schemas/{name}.schema.json"))));

    private static EvaluationResults Evaluate(string schema, string output) =>
        Schemas[schema].Value
            .Evaluate(JsonDocument.Parse(output).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
}
