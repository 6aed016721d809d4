using System.Collections;
using System.Reflection;
using GroupNetDsl.Generator.Tests.Harness;
using GroupNetDsl.Language.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace GroupNetDsl.Generator.Tests;

/// <summary>
/// Proves the pipeline caches: after an edit that cannot change any network (a new unrelated file, a comment edited
/// in an unrelated file), every step named in <see cref="GroupNetGenerator.TrackingNames"/> reports only Cached or
/// Unchanged outputs; and no step's output holds a Roslyn symbol, syntax node, compilation or location, which would
/// keep compilations alive and defeat caching.
/// </summary>
public sealed class IncrementalityTests
{
    private const string UnrelatedPath = "Unrelated.cs";
    private const string UnrelatedSource = "// A file that declares no network.\nnamespace Elsewhere;\n\npublic static class Unrelated\n{\n    public static int Answer => 42;\n}\n";

    public static IReadOnlyList<string> TrackingNames { get; } = typeof(GroupNetGenerator.TrackingNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToList();

    [Fact]
    public void Tracking_names_are_found() => Assert.True(TrackingNames.Count >= 6, "Expected the generator's tracking names; found: " + string.Join(", ", TrackingNames));

    [Fact]
    public void Adding_an_unrelated_file_leaves_every_step_Cached()
    {
        var harness = SeedNetworks.Project().WithSource(UnrelatedPath, UnrelatedSource);
        var compilation = harness.CreateCompilation();
        var driver = harness.CreateDriver().RunGenerators(compilation);

        var added = CSharpSyntaxTree.ParseText("namespace Elsewhere;\n\npublic sealed class AnotherUnrelated\n{\n}\n", GeneratorHarness.ParseOptions, "AnotherUnrelated.cs");
        driver = driver.RunGenerators(compilation.AddSyntaxTrees(added));

        AssertEveryStepCached(driver.GetRunResult().Results.Single());
    }

    [Fact]
    public void Editing_a_comment_in_an_unrelated_file_leaves_every_step_Cached()
    {
        var harness = SeedNetworks.Project().WithSource(UnrelatedPath, UnrelatedSource);
        var compilation = harness.CreateCompilation();
        var driver = harness.CreateDriver().RunGenerators(compilation);

        var tree = compilation.SyntaxTrees.Single(t => t.FilePath == UnrelatedPath);
        string text = tree.GetText().ToString();
        int comment = text.IndexOf("declares no network", StringComparison.Ordinal);
        var edited = tree.WithChangedText(tree.GetText().WithChanges(new TextChange(new TextSpan(comment, "declares".Length), "still declares")));
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, edited));

        AssertEveryStepCached(driver.GetRunResult().Results.Single());
    }

    [Fact]
    public void Editing_a_network_is_seen_as_a_change()
    {
        // The control: the same check fails when a network does change, so the two tests above can fail.
        var harness = SeedNetworks.Project();
        var compilation = harness.CreateCompilation();
        var texts = harness.AdditionalTexts();
        var driver = harness.CreateDriver(texts).RunGenerators(compilation);
        driver = WithBottleneckGroups4(driver, texts);
        var result = driver.RunGenerators(compilation).GetRunResult().Results.Single();

        var reasons = result.TrackedSteps[GroupNetGenerator.TrackingNames.GnetCompilation].SelectMany(s => s.Outputs).Select(o => o.Reason);
        Assert.Contains(IncrementalStepRunReason.Modified, reasons);
        Assert.Contains("groups 4", result.GeneratedSources.Single(s => s.HintName == SeedNetworks.BottleneckHint).SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Editing_one_gnet_file_leaves_the_other_networks_output_Cached()
    {
        var harness = SeedNetworks.Project();
        var compilation = harness.CreateCompilation();
        var texts = harness.AdditionalTexts();
        var driver = harness.CreateDriver(texts).RunGenerators(compilation);
        string before = SourceOf(driver, SeedNetworks.SeparableBlockHint);
        driver = WithBottleneckGroups4(driver, texts);
        driver = driver.RunGenerators(compilation);
        var result = driver.GetRunResult().Results.Single();

        Assert.Equal(before, SourceOf(driver, SeedNetworks.SeparableBlockHint));
        AssertOutputCached(result, "SeparableBlock");
        Assert.Contains(IncrementalStepRunReason.Modified, OutputReasons(result, "Bottleneck")); // the control: the edited network is re-emitted
    }

    [Fact]
    public void Adding_a_comment_above_a_GroupNet_class_leaves_its_output_Cached()
    {
        var harness = SeedNetworks.Project();
        var compilation = harness.CreateCompilation();
        var driver = harness.CreateDriver().RunGenerators(compilation);
        string before = SourceOf(driver, SeedNetworks.MiniGroupNetHint);

        var tree = compilation.SyntaxTrees.Single(t => t.FilePath == "MiniGroupNetAttributes.cs");
        int attribute = tree.GetText().ToString().IndexOf("[GroupNet(", StringComparison.Ordinal);
        var edited = tree.WithChangedText(tree.GetText().WithChanges(new TextChange(new TextSpan(attribute, 0), "// A comment that moves the class one line down.\n")));
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, edited));
        var result = driver.GetRunResult().Results.Single();

        Assert.Equal(before, SourceOf(driver, SeedNetworks.MiniGroupNetHint));
        AssertOutputCached(result, "MiniGroupNet");
    }

    [Fact]
    public void No_output_step_input_holds_source_positions()
    {
        var harness = SeedNetworks.Project();
        var result = harness.CreateDriver().RunGenerators(harness.CreateCompilation()).GetRunResult().Results.Single();

        var inputs = OutputSteps(result).SelectMany(step => step.Inputs).Select(input => input.Source.Outputs[input.OutputIndex].Value).ToList();
        // One per network, and the shells step (null here: every network gets code).
        Assert.Equal(4, inputs.Count);
        foreach (var value in inputs) RoslynObjectFinder.AssertNone(value, "input of an output step", typeof(SourceLocation));
    }

    [Fact]
    public void No_step_output_holds_Roslyn_objects()
    {
        var harness = SeedNetworks.Project().WithSource(UnrelatedPath, UnrelatedSource);
        var compilation = harness.CreateCompilation();
        var driver = harness.CreateDriver().RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();
        driver = driver.RunGenerators(compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Other { }", GeneratorHarness.ParseOptions, "Other.cs")));
        var second = driver.GetRunResult().Results.Single();

        foreach (var result in new[] { first, second })
        {
            // Roslyn's own steps (inside ForAttributeWithMetadataName) hold syntax trees by design; the generator's must not.
            foreach (string name in TrackingNames)
            {
                Assert.True(result.TrackedSteps.TryGetValue(name, out var steps), $"No tracked step '{name}'.");
                foreach (var step in steps)
                {
                    foreach (var (value, _) in step.Outputs) RoslynObjectFinder.AssertNone(value, $"output of step '{name}'");
                }
            }
        }
    }

    [Fact]
    public void The_finder_catches_Roslyn_objects()
    {
        // The walk must see through records, tuples and collections, or the test above would prove nothing.
        var compilation = SeedNetworks.Project().CreateCompilation();
        var tree = compilation.SyntaxTrees.First();
        Assert.ThrowsAny<Exception>(() => RoslynObjectFinder.AssertNone(new { Inner = (1, new List<object> { tree.GetRoot() }) }, "sample"));
        Assert.ThrowsAny<Exception>(() => RoslynObjectFinder.AssertNone(new[] { tree.GetRoot().GetLocation() }, "sample"));
        Assert.ThrowsAny<Exception>(() => RoslynObjectFinder.AssertNone(compilation.Assembly, "sample"));
        Assert.ThrowsAny<Exception>(() => RoslynObjectFinder.AssertNone(new KeyValuePair<string, object>("c", compilation), "sample"));
    }

    private static string SourceOf(GeneratorDriver driver, string hintName) =>
        driver.GetRunResult().Results.Single().GeneratedSources.Single(s => s.HintName == hintName).SourceText.ToString();

    private static IEnumerable<IncrementalGeneratorRunStep> OutputSteps(GeneratorRunResult result) =>
        result.TrackedOutputSteps.TryGetValue(WellKnownGeneratorOutputs.SourceOutput, out var steps) ? steps : [];

    /// <summary>
    /// The reasons of the output steps that emit only <paramref name="network"/>: an output step's input is the item it
    /// emits, which names its class; a step whose input holds several networks is not one of them.
    /// </summary>
    private static List<IncrementalStepRunReason> OutputReasons(GeneratorRunResult result, string network) =>
        OutputSteps(result)
            .Where(step => step.Inputs.Length == 1 && step.Inputs[0].Source.Outputs[step.Inputs[0].OutputIndex].Value is GroupNetDsl.Generator.EmitRequest request && request.Target.ClassName == network)
            .SelectMany(step => step.Outputs.Select(o => o.Reason))
            .ToList();

    private static void AssertOutputCached(GeneratorRunResult result, string network)
    {
        Assert.Null(result.Exception);
        var reasons = OutputReasons(result, network);
        Assert.True(reasons.Count > 0, $"No output step emits {network} alone.");
        Assert.All(reasons, reason => Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"The output of {network} ran again: {reason}."));
    }

    /// <summary>The driver with Bottleneck.gnet edited: its grouped conv in 4 groups instead of 8.</summary>
    private static GeneratorDriver WithBottleneckGroups4(GeneratorDriver driver, IEnumerable<AdditionalText> texts)
    {
        var old = texts.Single(t => t.Path == "Bottleneck.gnet");
        return driver.ReplaceAdditionalText(old, new InMemoryAdditionalText(old.Path, SeedNetworks.BottleneckGnet.Replace("groups: 8", "groups: 4", StringComparison.Ordinal)));
    }

    private static void AssertEveryStepCached(GeneratorRunResult result)
    {
        Assert.Null(result.Exception);
        var problems = new List<string>();
        foreach (string name in TrackingNames)
        {
            if (!result.TrackedSteps.TryGetValue(name, out var steps) || steps.Length == 0)
            {
                problems.Add($"{name}: no tracked step ran");
                continue;
            }
            foreach (var step in steps)
            {
                foreach (var (value, reason) in step.Outputs)
                {
                    if (reason is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged))
                    {
                        problems.Add($"{name}: output {reason}: {Describe(value)}");
                    }
                }
            }
        }
        Assert.True(problems.Count == 0, "Steps recomputed after an unrelated edit:\n" + string.Join("\n", problems));
    }

    private static string Describe(object value)
    {
        string text = value.ToString() ?? value.GetType().Name;
        return text.Length > 200 ? text[..200] + "..." : text;
    }
}

/// <summary>Walks an object graph (fields, public properties, collection elements) and fails on any Roslyn object that pins a compilation.</summary>
internal static class RoslynObjectFinder
{
    private static readonly Type[] Forbidden = [typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxTree), typeof(Compilation), typeof(SemanticModel), typeof(Location), typeof(SyntaxReference)];

    /// <summary>Fails on any Roslyn object, and on any object of the <paramref name="alsoForbidden"/> types.</summary>
    public static void AssertNone(object? root, string where, params Type[] alsoForbidden)
    {
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        Walk(root, where, visited, depth: 0, [.. Forbidden, .. alsoForbidden]);
    }

    private static void Walk(object? value, string path, HashSet<object> visited, int depth, Type[] forbiddenTypes)
    {
        if (value is null) return;
        var type = value.GetType();
        if (forbiddenTypes.FirstOrDefault(f => f.IsAssignableFrom(type)) is { } forbidden)
        {
            throw new Xunit.Sdk.XunitException($"{path} holds a {forbidden.Name} ({type.FullName}).");
        }
        if (type.IsPrimitive || type.IsEnum || value is string or decimal or Type) return;
        if (!type.IsValueType && !visited.Add(value)) return;
        if (depth > 40) throw new Xunit.Sdk.XunitException($"{path}: the object graph is deeper than 40 levels.");

        if (value is IEnumerable sequence)
        {
            int index = 0;
            IEnumerator enumerator;
            try
            {
                enumerator = sequence.GetEnumerator();
            }
            catch (InvalidOperationException)
            {
                return; // a default ImmutableArray: nothing inside
            }
            while (enumerator.MoveNext()) Walk(enumerator.Current, $"{path}[{index++}]", visited, depth + 1, forbiddenTypes);
            if (type.Namespace?.StartsWith("System.Collections", StringComparison.Ordinal) == true || type.IsArray) return;
        }

        // Every field, private ones too (a record's backing fields, a wrapper's array): a symbol can hide anywhere.
        foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance))
        {
            Walk(field.GetValue(value), $"{path}.{field.Name}", visited, depth + 1, forbiddenTypes);
        }
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.GetMethod is null) continue;
            object? propertyValue;
            try
            {
                propertyValue = property.GetValue(value);
            }
            catch (TargetInvocationException)
            {
                continue;
            }
            Walk(propertyValue, $"{path}.{property.Name}", visited, depth + 1, forbiddenTypes);
        }
    }
}
