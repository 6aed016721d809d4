using System.Runtime.CompilerServices;
using System.Text;

namespace GroupNetDsl.Generator.Tests;

/// <summary>
/// Pins the generated code of the seed networks to reviewed files under Snapshots/ (one per hint name). A change
/// to the emitter shows up as a diff to review like code. With GROUPNETDSL_UPDATE_SNAPSHOTS=1 the test rewrites
/// the files instead of comparing (see Snapshots/README.md).
/// </summary>
public sealed class SnapshotTests
{
    public const string UpdateVariable = "GROUPNETDSL_UPDATE_SNAPSHOTS";

    [Fact]
    public void Seed_networks_match_their_snapshots()
    {
        var run = SeedNetworks.Project().Run();
        run.AssertCompilesCleanly();
        Assert.Equal(
            new[] { SeedNetworks.BottleneckHint, SeedNetworks.MiniGroupNetHint, SeedNetworks.SeparableBlockHint },
            run.HintNames.Order(StringComparer.Ordinal));

        string directory = SnapshotDirectory();
        bool update = Environment.GetEnvironmentVariable(UpdateVariable) == "1";
        var failures = new List<string>();
        foreach (var file in run.Files)
        {
            string path = Path.Combine(directory, file.HintName + ".txt");
            if (update)
            {
                File.WriteAllText(path, file.Text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
                continue;
            }
            if (!File.Exists(path))
            {
                failures.Add($"{file.HintName}: no snapshot at {path}.");
                continue;
            }
            string expected = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
            if (expected != file.Text) failures.Add($"{file.HintName}: {FirstDifference(expected, file.Text)}");
        }
        Assert.True(failures.Count == 0,
            $"Generated code differs from the snapshots in {directory}. Review the change; if it is intended, run the tests with {UpdateVariable}=1 and commit the files.\n"
            + string.Join("\n", failures));
    }

    /// <summary>The snapshot folder in the source tree: beside this file, or found above the test assembly.</summary>
    internal static string SnapshotDirectory([CallerFilePath] string sourceFile = "")
    {
        string? besideSource = Path.GetDirectoryName(sourceFile) is { Length: > 0 } folder ? Path.Combine(folder, "Snapshots") : null;
        if (besideSource is not null && Directory.Exists(besideSource)) return besideSource;
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "tests", "GroupNetDsl.Generator.Tests", "Snapshots");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("Cannot find tests/GroupNetDsl.Generator.Tests/Snapshots above " + AppContext.BaseDirectory);
    }

    private static string FirstDifference(string expected, string actual)
    {
        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        for (int i = 0; i < Math.Max(expectedLines.Length, actualLines.Length); i++)
        {
            string? e = i < expectedLines.Length ? expectedLines[i] : null;
            string? a = i < actualLines.Length ? actualLines[i] : null;
            if (e != a) return $"first difference at line {i + 1}:\n  snapshot:  {e ?? "(end of file)"}\n  generated: {a ?? "(end of file)"}";
        }
        return "the texts differ only in line structure.";
    }
}
