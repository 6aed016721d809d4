using GroupNetDsl.Package.Tests.Reference;

namespace GroupNetDsl.Package.Tests.Infrastructure;

/// <summary>A consumer project after `dotnet build`.</summary>
public sealed record BuiltProject(ConsumerProject Project, CommandResult Build);

/// <summary>gnet installed with `dotnet tool install --tool-path`.</summary>
public sealed record InstalledTool(string Executable, CommandResult Install)
{
    public Task<CommandResult> RunAsync(string directory, params string[] arguments) =>
        Command.RunAsync(Executable, directory, TimeSpan.FromMinutes(1), arguments);
}

/// <summary>The projects and the tool installation the package tests work on, each made once per run.</summary>
public static class ExampleProjects
{
    /// <summary>The seed for the weights of <see cref="Valid"/>.</summary>
    public const int WeightSeed = 6;

    public const int Height = 8;
    public const int Width = 8;

    public const string NetworksGnet = """
        # The standard library's depthwise-separable block, as a network of its own: its weights sit at the root of the state_dict.
        network SeparableBlock(input: 32x8x8) = DepthwiseSeparableConv(32, 64)
        """;

    /// <summary>The same block written as attributes: the same layers, names and weights.</summary>
    public const string AttributeBlockCs = """
        using GroupNetDsl;

        namespace Consumer;

        [GroupNet(Input = "32x8x8")]
        [Conv2d(32, 32, 3, Padding = 1, Groups = 32, Bias = false, Name = "dw")]
        [Conv2d(32, 64, 1, Bias = false, Name = "pw")]
        [BatchNorm2d(Name = "bn")]
        [ReLU(Name = "act")]
        public partial class AttributeBlock;
        """;

    /// <summary>The input image; <see cref="Input"/> computes the same values.</summary>
    public const string ProgramCs = """
        using System.Globalization;

        namespace Consumer;

        public static class Program
        {
            public static void Main(string[] args)
            {
                var input = new float[SeparableBlock.InputLength];
                for (int i = 0; i < input.Length; i++) input[i] = ((i * 37) % 101) / 50f - 1f;

                var fromGnet = new float[SeparableBlock.OutputLength];
                SeparableBlock.Load(args[0]).Forward(input, fromGnet);
                Print("SeparableBlock", $"{SeparableBlock.OutputChannels}x{SeparableBlock.OutputHeight}x{SeparableBlock.OutputWidth}", SeparableBlock.ParameterCount, fromGnet);

                var fromAttributes = new float[AttributeBlock.OutputLength];
                AttributeBlock.Load(args[0]).Forward(input, fromAttributes);
                Print("AttributeBlock", $"{AttributeBlock.OutputChannels}x{AttributeBlock.OutputHeight}x{AttributeBlock.OutputWidth}", AttributeBlock.ParameterCount, fromAttributes);
            }

            private static void Print(string name, string shape, long parameters, float[] output)
            {
                double sum = 0, weighted = 0;
                for (int i = 0; i < output.Length; i++)
                {
                    sum += output[i];
                    weighted += output[i] * ((i % 13) - 6);
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: shape {shape}, length {output.Length}, parameters {parameters}, sum {sum:R}, weighted {weighted:R}"));
            }
        }
        """;

    /// <summary>64 input channels cannot be split into 3 groups (48 output channels could).</summary>
    public const string BadGnet = """
        # Wrong on purpose: groups must divide both channel counts.
        network Bad(input: 64x8x8) {
            head = conv(64, 48, 3, groups: 3)
        }
        """;

    /// <summary>The ordinary app shape: a top-level Program.cs that imports the root namespace and names the network.</summary>
    public const string InvalidProgramCs = """
        using Invalid;

        using var net = Bad.Load("bad.safetensors");
        Console.WriteLine(Bad.Summary);
        """;

    /// <summary>The image Program.cs feeds the networks, computed the same way.</summary>
    public static float[] Input()
    {
        var input = new float[SeparableBlockReference.InputChannels * Height * Width];
        for (int i = 0; i < input.Length; i++) input[i] = ((i * 37) % 101) / 50f - 1f;
        return input;
    }

    /// <summary>
    /// The line MSBuild (and gnet check) prints for Bad.gnet, up to the help link: line 3 holds the conv, the column is that of the
    /// groups value, and the valid groups are the divisors of gcd(64, 48) = 16.
    /// </summary>
    public static string ExpectedGroupsError(ConsumerProject project)
    {
        string[] lines = BadGnet.ReplaceLineEndings("\n").Split('\n');
        int line = Array.FindIndex(lines, l => l.Contains("conv(", StringComparison.Ordinal)) + 1;
        int column = lines[line - 1].IndexOf("groups: 3", StringComparison.Ordinal) + "groups: ".Length + 1;
        string valid = string.Join(", ", Enumerable.Range(1, 64).Where(g => 64 % g == 0 && 48 % g == 0));
        Assert.Equal((3, 36, "1, 2, 4, 8, 16"), (line, column, valid));
        return $"{Path.Combine(project.Directory, "Bad.gnet")}({line},{column}): error GNET0201: head: in_channels 64 is not divisible by groups 3; use a groups value that divides both channel counts (valid: {valid})";
    }

    /// <summary>A console project with a .gnet network, an attribute network and a weight file, built.</summary>
    public static async Task<BuiltProject> ValidAsync(PackedPackages packages)
    {
        var project = ConsumerProject.Create(packages.Folder("consumer"), "Consumer", packages.Feed, packages.Version);
        project.Write("Networks.gnet", NetworksGnet);
        project.Write("AttributeBlock.cs", AttributeBlockCs);
        project.Write("Program.cs", ProgramCs);
        SeparableBlockReference.Random(WeightSeed).WriteSafeTensors(Path.Combine(project.Directory, "weights.safetensors"));
        return new BuiltProject(project, await project.BuildAsync());
    }

    /// <summary>A console project whose only network is wrong, built (the build fails).</summary>
    public static async Task<BuiltProject> InvalidAsync(PackedPackages packages)
    {
        var project = ConsumerProject.Create(packages.Folder("invalid"), "Invalid", packages.Feed, packages.Version);
        project.Write("Bad.gnet", BadGnet);
        project.Write("Program.cs", InvalidProgramCs);
        return new BuiltProject(project, await project.BuildAsync());
    }

    /// <summary>The tool package installed into a folder of its own, as `dotnet tool install --tool-path` does.</summary>
    public static async Task<InstalledTool> ToolAsync(PackedPackages packages)
    {
        string toolPath = packages.Folder("tools");
        var install = await Command.DotnetAsync(packages.Root, TimeSpan.FromMinutes(3),
            "tool", "install", "--tool-path", toolPath, "--add-source", packages.Feed, PackedPackages.ToolPackageId, "--version", packages.Version);
        return new InstalledTool(Path.Combine(toolPath, OperatingSystem.IsWindows() ? "gnet.exe" : "gnet"), install);
    }
}
