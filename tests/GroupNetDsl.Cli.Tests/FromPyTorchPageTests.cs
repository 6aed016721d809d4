using System.Diagnostics;
using GroupNetDsl.Cli.Tests.Infrastructure;
using GroupNetDsl.TestSupport.Samples;

namespace GroupNetDsl.Cli.Tests;

/// <summary>
/// docs/from-pytorch.md, run as a user would follow it, in an empty folder: its Python block (a module saved with
/// python/gnet_safetensors.py), then every command of its bash blocks in order (`python3` ones with Debian's
/// python3, `gnet` ones in-process), with its .gnet block as Net.gnet. Skipped where python3 has no torch.
/// </summary>
public sealed class FromPyTorchPageTests : CommandTests
{
    private const string Page = "docs/from-pytorch.md";

    [PythonWithTorchFact]
    public void Every_command_of_the_from_pytorch_page_runs_and_the_weights_match_the_declaration()
    {
        File.Copy(RepositoryFiles.PathOf("python/gnet_safetensors.py"), Path.Combine(Files.Path, "gnet_safetensors.py"));
        Files.Write("Net.gnet", Assert.Single(FencedBlocks.Of(Page, info => info == "gnet")));
        Files.Write("step1.py", Assert.Single(FencedBlocks.Of(Page, info => info == "python")));
        Python("step1.py");

        var outputs = new List<string>();
        foreach (string command in FencedBlocks.Of(Page, info => info == "bash").SelectMany(block => block.Split('\n')).Where(line => line.Length > 0))
        {
            var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words[0] == "python3")
            {
                outputs.AddRange(Python(words[1..]));
            }
            else
            {
                Assert.Equal("gnet", words[0]);
                var run = Gnet.Run([.. words[1..].Select(word => File.Exists(Path.Combine(Files.Path, word)) || Directory.Exists(Path.Combine(Files.Path, word)) ? Path.Combine(Files.Path, word) : word)]);
                Assert.True(run.ExitCode == ExitCodes.Success, $"{command}\n{run}");
                outputs.AddRange(run.OutputLines);
            }
        }

        // The converter wrote an F16 file from the checkpoint; both files match the declaration.
        Assert.Contains(outputs, line => line.StartsWith("wrote net.f16.safetensors", StringComparison.Ordinal));
        Assert.Contains("stem.0.weight F32 16x3x3x3", outputs);
        Assert.Equal(2, outputs.Count(line => line.StartsWith("OK: ", StringComparison.Ordinal) && line.EndsWith(" matches network Net: 13 tensors, 1,514 parameters.", StringComparison.Ordinal)));

        // The ONNX route: the exporter folded both batchnorms into their convs, which gained biases: 1,514 - 2 x (16 + 32)
        // batchnorm parameters + 16 + 32 biases.
        Assert.Contains("stem_2 = relu6", File.ReadAllText(Path.Combine(Files.Path, "NetFromOnnx.gnet")), StringComparison.Ordinal);
        Assert.Contains(outputs, line => line.StartsWith("OK: ", StringComparison.Ordinal) && line.EndsWith(" matches network NetFromOnnx: 7 tensors, 1,466 parameters.", StringComparison.Ordinal));

        // gnet compare ran the declared network and the imported one on PyTorch's input: both agree with its output.
        Assert.Equal(2, outputs.Count(line => line == "OK: the outputs agree within the tolerance."));
        Assert.Contains(outputs, line => line.StartsWith("network Net on ", StringComparison.Ordinal));
        Assert.Contains(outputs, line => line.StartsWith("network NetFromOnnx on ", StringComparison.Ordinal));
    }

    private string[] Python(params string[] arguments)
    {
        var start = new ProcessStartInfo(PythonWithTorchFactAttribute.Python) { WorkingDirectory = Files.Path, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "python3 did not finish");
        Assert.True(process.ExitCode == 0, $"python3 {string.Join(' ', arguments)}: exit {process.ExitCode}\n{output}\n{error.Result}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}

/// <summary>A fact that runs only where <c>/usr/bin/python3</c> imports torch (Debian's python3-torch); skipped, visibly, elsewhere.</summary>
public sealed class PythonWithTorchFactAttribute : FactAttribute
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<bool> Available = new(() =>
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(Python, ["-c", "import torch"]) { RedirectStandardError = true });
            return process is not null && process.WaitForExit(TimeSpan.FromMinutes(1)) && process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    });

    public PythonWithTorchFactAttribute()
    {
        if (!Available.Value) Skip = $"{Python} with torch is not installed (apt-get install python3-torch).";
    }
}
