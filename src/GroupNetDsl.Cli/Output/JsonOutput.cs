using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using GroupNetDsl.Cli.Weights;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Model;
using GroupNetDsl.Language.Reporting;
using GroupNetDsl.Language.Text;
using GroupNetDsl.Weights;

namespace GroupNetDsl.Cli.Output;

/// <summary>
/// The <c>--format json</c> output of <c>check</c>, <c>summary</c>, <c>inspect</c>, <c>verify</c> and <c>compare</c>: one JSON document per run, written
/// with <see cref="Utf8JsonWriter"/> (no reflection), in the shapes of docs/schemas/*.schema.json. Each document
/// names its schema and version in <c>"schema"</c>; a field is added, never changed, within a version.
/// </summary>
public static class JsonOutput
{
    public const string Text = "text";
    public const string Json = "json";

    public static string Summary(IReadOnlyList<Network> networks) => Write(json =>
    {
        json.WriteString("schema", "gnet-summary/1");
        json.WriteStartArray("networks");
        foreach (var network in networks)
        {
            json.WriteStartObject();
            json.WriteString("name", network.Name);
            Shape(json, "input", network.Input);
            Shape(json, "output", network.Output);
            json.WriteNumber("parameters", network.ParameterCount);
            json.WriteNumber("multiplyAccumulates", network.MultiplyAccumulates);
            json.WriteNumber("stateDictEntries", network.Weights.Count);
            var memory = SummaryTable.Memory(network);
            json.WriteStartObject("memoryBytes");
            json.WriteNumber("input", memory.Input);
            json.WriteNumber("parameters", memory.Parameters);
            json.WriteNumber("activations", memory.Activations);
            json.WriteNumber("scratch", memory.Scratch);
            json.WriteEndObject();
            json.WriteStartArray("modules");
            foreach (var module in SummaryTable.TreeRows(network).Where(r => r.IsModule))
            {
                json.WriteStartObject();
                json.WriteString("path", module.Path);
                json.WriteNumber("depth", module.Depth);
                json.WriteNumber("parameters", module.Parameters);
                json.WriteNumber("multiplyAccumulates", module.MultiplyAccumulates);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("layers");
            var rows = SummaryTable.Rows(network);
            for (int i = 0; i < rows.Count; i++)
            {
                var row = rows[i];
                json.WriteStartObject();
                json.WriteString("path", row.Path);
                json.WriteString("op", row.Op);
                json.WriteString("configuration", row.Details);
                Shape(json, "output", network.Nodes[i].Output);
                json.WriteNumber("parameters", row.Parameters);
                json.WriteNumber("multiplyAccumulates", row.MultiplyAccumulates);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
    });

    public static string Check(int files, IReadOnlyList<GnetDiagnostic> diagnostics, long errors, int warnings) => Write(json =>
    {
        json.WriteString("schema", "gnet-check/1");
        json.WriteNumber("files", files);
        json.WriteNumber("errors", errors);
        json.WriteNumber("warnings", warnings);
        json.WriteStartArray("diagnostics");
        foreach (var diagnostic in diagnostics)
        {
            json.WriteStartObject();
            json.WriteString("id", diagnostic.Id);
            json.WriteString("severity", diagnostic.Severity switch
            {
                DiagnosticSeverity.Error => "error",
                DiagnosticSeverity.Warning => "warning",
                _ => "info",
            });
            json.WriteString("message", diagnostic.Message);
            Location(json, "location", diagnostic.Location);
            json.WriteStartArray("usedAt");
            foreach (var location in diagnostic.AdditionalLocations) Location(json, null, location);
            json.WriteEndArray();
            json.WriteString("help", $"docs/diagnostics/{diagnostic.Id}.md");
            json.WriteEndObject();
        }
        json.WriteEndArray();
    });

    private static void Location(Utf8JsonWriter json, string? name, SourceLocation location)
    {
        if (name is null) json.WriteStartObject();
        else json.WriteStartObject(name);
        json.WriteString("file", location.FilePath);
        json.WriteNumber("line", location.Line);
        json.WriteNumber("column", location.Column);
        json.WriteNumber("endLine", location.EndLine);
        json.WriteNumber("endColumn", location.EndColumn);
        json.WriteEndObject();
    }

    public static string Inspect(SafeTensorsFile file) => Write(json =>
    {
        json.WriteString("schema", "gnet-inspect/1");
        json.WriteString("file", file.SourceName);
        json.WriteStartArray("tensors");
        foreach (var tensor in file.Tensors)
        {
            json.WriteStartObject();
            json.WriteString("name", tensor.Name);
            json.WriteString("dtype", tensor.DataType.GetFormatName());
            json.WriteStartArray("shape");
            foreach (long dimension in tensor.Shape) json.WriteNumberValue(dimension);
            json.WriteEndArray();
            json.WriteNumber("elements", tensor.ElementCount);
            json.WriteNumber("bytes", tensor.ByteLength);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartObject("totals");
        json.WriteNumber("tensors", file.Tensors.Count);
        json.WriteNumber("elements", file.Tensors.Sum(t => t.ElementCount));
        json.WriteNumber("bytes", file.Tensors.Sum(t => t.ByteLength));
        json.WriteEndObject();
        json.WriteStartObject("metadata");
        foreach (var entry in file.Metadata.OrderBy(e => e.Key, System.StringComparer.Ordinal)) json.WriteString(entry.Key, entry.Value);
        json.WriteEndObject();
    });

    public static string Verify(string weightsPath, Network network, WeightCheckResult result) => Write(json =>
    {
        json.WriteString("schema", "gnet-verify/1");
        json.WriteString("file", weightsPath);
        json.WriteString("network", network.Name);
        json.WriteBoolean("passed", result.Passed);
        json.WriteNumber("matchedTensors", result.MatchedTensors);
        json.WriteNumber("matchedParameters", result.MatchedParameters);
        json.WriteStartArray("problems");
        foreach (var problem in result.Problems)
        {
            json.WriteStartObject();
            json.WriteString("kind", ProblemKind(problem.Kind));
            json.WriteString("key", problem.Key);
            json.WriteString("message", problem.Description);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    });

    public static string Compare(Network network, string weightsPath, string inputPath, string expectedPath, int images, Commands.OutputComparison comparison) => Write(json =>
    {
        json.WriteString("schema", "gnet-compare/1");
        json.WriteString("network", network.Name);
        json.WriteString("weights", weightsPath);
        json.WriteString("input", inputPath);
        json.WriteString("expected", expectedPath);
        json.WriteNumber("images", images);
        json.WriteBoolean("passed", comparison.Passed);
        Number(json, "maxAbsDiff", comparison.MaxAbsoluteDifference);
        Number(json, "maxRelDiff", comparison.MaxRelativeDifference);
        Number(json, "outputScale", comparison.Scale);
        json.WriteNumber("tolerance", comparison.Tolerance);
        json.WriteStartObject("largest");
        json.WriteNumber("image", comparison.WorstImage);
        json.WriteNumber("index", comparison.WorstIndex);
        Number(json, "output", comparison.WorstOutput);
        Number(json, "expected", comparison.WorstExpected);
        json.WriteEndObject();
    });

    /// <summary>A number, or null for NaN and infinity, which JSON cannot write.</summary>
    private static void Number(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value)) json.WriteNumber(name, value);
        else json.WriteNull(name);
    }

    /// <summary>The kind as the schema spells it.</summary>
    public static string ProblemKind(WeightProblemKind kind) => kind switch
    {
        WeightProblemKind.Missing => "missing",
        WeightProblemKind.WrongShape => "wrong-shape",
        WeightProblemKind.WrongDataType => "wrong-dtype",
        WeightProblemKind.Unexpected => "unexpected",
        _ => "damaged-values",
    };

    private static void Shape(Utf8JsonWriter json, string name, TensorShape shape)
    {
        json.WriteStartArray(name);
        json.WriteNumberValue(shape.Channels);
        if (!shape.IsFlat)
        {
            json.WriteNumberValue(shape.Height);
            json.WriteNumberValue(shape.Width);
        }
        json.WriteEndArray();
    }

    private static string Write(System.Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        // Indented for people, with any text escaped as JSON requires; non-ASCII stays readable.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()).Replace("\r\n", "\n") + "\n";
    }
}
