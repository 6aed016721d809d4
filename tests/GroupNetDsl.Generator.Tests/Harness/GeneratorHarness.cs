using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace GroupNetDsl.Generator.Tests.Harness;

/// <summary>
/// Runs <see cref="GroupNetGenerator"/> the way the compiler does, in memory: C# sources, .gnet additional files and
/// the RootNamespace build property go in; the generated files, the generator's diagnostics and the compilation
/// with the generated code come out. The compilation references .NET 10's reference assemblies and the runtime
/// library, exactly what a user project compiles against.
/// </summary>
public sealed class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = CSharpParseOptions.Default
        .WithLanguageVersion(LanguageVersion.Preview)
        .WithDocumentationMode(DocumentationMode.Diagnose);

    private static readonly MetadataReference RuntimeReference =
        MetadataReference.CreateFromFile(typeof(GroupNetDsl.Weights.SafeTensorsFile).Assembly.Location);

    private readonly List<(string Path, string Text)> _sources = new();
    private readonly List<(string Path, string Text)> _gnetFiles = new();
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _fileOptions = new(StringComparer.Ordinal);
    private string? _rootNamespace;

    public static GeneratorHarness Create() => new();

    public GeneratorHarness WithSource(string path, string text)
    {
        _sources.Add((path, text));
        return this;
    }

    public GeneratorHarness WithGnet(string path, string text)
    {
        _gnetFiles.Add((path, text));
        return this;
    }

    /// <summary>
    /// A weight file's header as build/GroupNetDsl.props hands it to the compiler: an additional file whose metadata names
    /// the weight file and, when the build embeds it, its manifest resource.
    /// </summary>
    public GeneratorHarness WithWeightHeader(string headerPath, string weightFile, string? resource, string header)
    {
        _gnetFiles.Add((headerPath, header));
        var options = new Dictionary<string, string> { [WeightFiles.SourceMetadata] = weightFile };
        if (resource is not null) options[WeightFiles.ResourceMetadata] = resource;
        _fileOptions[headerPath] = options;
        return this;
    }

    /// <summary>Sets build_property.RootNamespace, which MSBuild passes because build/GroupNetDsl.props makes it compiler-visible.</summary>
    public GeneratorHarness WithRootNamespace(string? rootNamespace)
    {
        _rootNamespace = rootNamespace;
        return this;
    }

    /// <summary>Adds a static class with array-based methods that call the generated class, for reflection (spans cannot go through it).</summary>
    public GeneratorHarness WithAdapterFor(string fullTypeName)
    {
        _sources.Add(($"Adapters/{NetworkAdapter.ClassName(fullTypeName)}.cs", NetworkAdapter.Source(fullTypeName)));
        return this;
    }

    public CSharpCompilation CreateCompilation() => CSharpCompilation.Create(
        "GeneratorTestAssembly",
        _sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, ParseOptions, s.Path)),
        Basic.Reference.Assemblies.Net100.References.All.Append(RuntimeReference),
        new CSharpCompilationOptions(
            OutputKind.DynamicallyLinkedLibrary,
            optimizationLevel: OptimizationLevel.Release,
            nullableContextOptions: NullableContextOptions.Enable,
            deterministic: true));

    public ImmutableArray<AdditionalText> AdditionalTexts() =>
        _gnetFiles.Select(f => (AdditionalText)new InMemoryAdditionalText(f.Path, f.Text)).ToImmutableArray();

    public GeneratorDriver CreateDriver(bool trackSteps = true) => CreateDriver(AdditionalTexts(), trackSteps);

    public GeneratorDriver CreateDriver(ImmutableArray<AdditionalText> additionalTexts, bool trackSteps = true)
    {
        var options = new Dictionary<string, string>();
        if (_rootNamespace is not null) options["build_property.RootNamespace"] = _rootNamespace;
        return CSharpGeneratorDriver.Create(
            new[] { new GroupNetGenerator().AsSourceGenerator() },
            additionalTexts,
            ParseOptions,
            new TestAnalyzerConfigOptionsProvider(options, _fileOptions),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));
    }

    public GeneratorRun Run() => GeneratorRun.From(CreateDriver(), CreateCompilation());
}

/// <summary>One file the generator added.</summary>
public sealed record GeneratedFile(string HintName, string Text);

/// <summary>The outcome of one generator run on one compilation.</summary>
public sealed class GeneratorRun
{
    private GeneratorRun(GeneratorDriver driver, Compilation input, Compilation output, ImmutableArray<Diagnostic> generatorDiagnostics)
    {
        Driver = driver;
        Input = input;
        Output = output;
        GeneratorDiagnostics = generatorDiagnostics;
        Result = driver.GetRunResult().Results.Single();
        Files = Result.GeneratedSources.Select(s => new GeneratedFile(s.HintName, s.SourceText.ToString())).ToList();
    }

    public GeneratorDriver Driver { get; }

    public Compilation Input { get; }

    /// <summary>The input compilation plus every generated file.</summary>
    public Compilation Output { get; }

    /// <summary>What the driver reported about running the generator (CS8785 when it threw).</summary>
    public ImmutableArray<Diagnostic> GeneratorDiagnostics { get; }

    public GeneratorRunResult Result { get; }

    public IReadOnlyList<GeneratedFile> Files { get; }

    public IEnumerable<string> HintNames => Files.Select(f => f.HintName);

    public static GeneratorRun From(GeneratorDriver driver, Compilation input)
    {
        driver = driver.RunGeneratorsAndUpdateCompilation(input, out var output, out var diagnostics);
        return new GeneratorRun(driver, input, output, diagnostics);
    }

    public string Source(string hintName) =>
        Files.SingleOrDefault(f => f.HintName == hintName)?.Text
        ?? throw new Xunit.Sdk.XunitException($"No generated file '{hintName}'. Generated: {string.Join(", ", HintNames)}");

    /// <summary>
    /// Errors and warnings of the compilation with the generated code (hidden and info diagnostics left out). Missing
    /// XML docs (CS1591) count only in generated files: the tests' own sources need not document their classes.
    /// </summary>
    public IReadOnlyList<Diagnostic> CompilationProblems() =>
        Output.GetDiagnostics()
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .Where(d => d.Id != "CS1591" || !Input.SyntaxTrees.Contains(d.Location.SourceTree))
            .ToList();

    /// <summary>The generator neither threw (no CS8785, no exception in its result) nor reported anything.</summary>
    public void AssertGeneratorDidNotFail()
    {
        Assert.Null(Result.Exception);
        Assert.DoesNotContain(GeneratorDiagnostics, d => d.Id == "CS8785");
        Assert.Empty(Result.Diagnostics);
    }

    /// <summary>The generated code compiles with neither errors nor warnings (XML doc comments included).</summary>
    public void AssertCompilesCleanly()
    {
        AssertGeneratorDidNotFail();
        var problems = CompilationProblems();
        Assert.True(problems.Count == 0, "The compilation with the generated code has problems:\n" + Describe(problems));
    }

    public byte[] Emit()
    {
        using var stream = new MemoryStream();
        var result = Output.Emit(stream);
        if (!result.Success)
        {
            throw new Xunit.Sdk.XunitException("The compilation with the generated code does not emit:\n" + Describe(result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        }
        return stream.ToArray();
    }

    /// <summary>Emits the compilation and loads it into a collectible context; dispose to unload.</summary>
    public LoadedAssembly Load() => new(Emit());

    public string Describe(IEnumerable<Diagnostic> diagnostics)
    {
        var lines = new List<string>();
        foreach (var diagnostic in diagnostics.Take(30))
        {
            string line = diagnostic.ToString();
            var tree = diagnostic.Location.SourceTree;
            if (tree is not null)
            {
                var span = diagnostic.Location.GetLineSpan();
                line += "\n    > " + tree.GetText().Lines[span.StartLinePosition.Line].ToString().Trim();
            }
            lines.Add(line);
        }
        return string.Join("\n", lines);
    }
}
