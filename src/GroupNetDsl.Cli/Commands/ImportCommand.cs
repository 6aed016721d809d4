using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using GroupNetDsl.Cli.Onnx;
using GroupNetDsl.Cli.Output;
using GroupNetDsl.Cli.Weights;
using GroupNetDsl.Language;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Text;
using GroupNetDsl.Weights;

namespace GroupNetDsl.Cli.Commands;

/// <summary>
/// <c>gnet import MODEL.onnx [--output-dir DIR] [--name NAME] [--flat]</c>: translates an ONNX model into <c>NAME.gnet</c>
/// (repeated modules as blocks, or with --flat one member per layer; a forward block wiring them) and <c>NAME.safetensors</c> (its weights under the
/// members' names). The .gnet is compiled before anything is written, so what is written checks clean.
/// </summary>
public static class ImportCommand
{
    public static Command Create(Terminal terminal)
    {
        var model = new Argument<string>("MODEL") { Description = "The .onnx file to import." };
        var outputDirectory = new Option<string>("--output-dir", "-o") { HelpName = "DIR", Description = "Where to write NAME.gnet and NAME.safetensors (default: the current directory)." };
        var name = new Option<string>("--name") { HelpName = "NAME", Description = "The network's name (default: the model file's name in PascalCase)." };
        var flat = new Option<bool>("--flat") { Description = "Write one member per layer; by default modules repeated with the same structure become blocks." };
        var command = new Command("import", "Translate an ONNX model into a .gnet network and a .safetensors weight file.")
        {
            model,
            outputDirectory,
            name,
            flat,
        };
        command.SetAction(parseResult => GnetCommandLine.Execute(terminal, () => Run(
            terminal, parseResult.GetRequiredValue(model), parseResult.GetValue(outputDirectory) ?? ".", parseResult.GetValue(name), parseResult.GetValue(flat))));
        return command;
    }

    public static int Run(Terminal terminal, string modelPath, string outputDirectory, string? networkName, bool flat = false)
    {
        string name = networkName ?? DefaultName(modelPath);
        if (!IsName(name)) throw new CommandFailedException($"--name '{Printable.Of(name)}' is not a network name: use letters, digits and underscores, starting with a letter.");

        var network = OnnxImporter.Import(modelPath, name, fold: !flat);
        string gnetPath = Path.Combine(outputDirectory, name + ".gnet");
        string weightsPath = Path.Combine(outputDirectory, name + ".safetensors");

        // A model whose layers all map can still combine them in a way the language rejects (a '*' of two shapes it
        // does not broadcast): say so instead of writing a file that does not check.
        var compilation = GnetCompiler.Compile(new[] { new SourceDocument(gnetPath, network.GnetText) });
        var errors = compilation.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0)
        {
            throw new CommandFailedException(new[] { $"{modelPath}: the translated network does not check, so nothing was written:" }.Concat(errors.Select(e => e.ToString())));
        }

        // The same check as `gnet verify`: a weight of the model whose shape its node does not imply (a bias of the
        // wrong length) is found here, not when the network is loaded.
        byte[] weights = SafeTensorsWriter.Write(network.Weights);
        var check = WeightCheck.Run(compilation.Networks.Single().Network!, SafeTensorsFile.Parse(weights, weightsPath));
        if (!check.Passed)
        {
            throw new CommandFailedException(new[] { $"{modelPath}: the model's weights do not fit the translated network, so nothing was written:" }.Concat(check.Problems.Select(p => p.Description)));
        }

        try
        {
            Directory.CreateDirectory(outputDirectory);
            File.WriteAllText(gnetPath, network.GnetText);
            File.WriteAllBytes(weightsPath, weights);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CommandFailedException($"cannot write to '{outputDirectory}': {e.Message}");
        }
        terminal.Output.WriteLine($"Wrote {gnetPath} (network {name}, {network.GnetText.Split('\n').Length - 1} lines) and {weightsPath} ({network.Weights.Count} tensors).");
        return ExitCodes.Success;
    }

    /// <summary><c>minigroupnet_g8.onnx</c> gives <c>MinigroupnetG8</c>.</summary>
    private static string DefaultName(string modelPath)
    {
        var words = ModuleNames.Sanitize(Path.GetFileNameWithoutExtension(modelPath)).Split('_', StringSplitOptions.RemoveEmptyEntries);
        string name = string.Concat(words.Select(w => char.ToUpperInvariant(w[0]) + w.Substring(1)));
        return name.Length == 0 || char.IsDigit(name[0]) ? "Imported" + name : name;
    }

    private static bool IsName(string name) =>
        name.Length > 0 && char.IsAsciiLetter(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
