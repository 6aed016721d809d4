using System.Collections.Generic;
using System.Linq;
using GroupNetDsl.Cli.Output;
using GroupNetDsl.Language;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Model;
using GroupNetDsl.Language.Weights;

namespace GroupNetDsl.Cli.Input;

/// <summary>What a network command reads: FILE, the .gnet files whose blocks it may use, and the network asked for.</summary>
public sealed record NetworkSource(string Path, IReadOnlyList<string> Includes, string? NetworkName);

/// <summary>
/// Compiles a .gnet file (with the files it includes) and picks the networks a command works on. Shared by every command that needs a
/// valid model (summary, graph, verify and emit), so that they choose networks and report
/// errors the same way.
/// </summary>
/// <remarks>
/// Diagnostics go to standard error, not standard output, because standard output carries the command's
/// result (a table, a graph) that a script may be reading. Only the diagnostics that concern the chosen
/// networks are shown: the file-level ones (syntax errors, duplicate names) and each chosen network's own.
/// </remarks>
public static class NetworkLoader
{
    /// <summary>Exactly one network: the one named, or the file's only network.</summary>
    /// <exception cref="CommandFailedException">
    /// The file cannot be read, names no such network, declares several and none was named (exit 2), or the
    /// network has errors (exit 1; the diagnostics have been written).
    /// </exception>
    public static Network LoadOne(Terminal terminal, NetworkSource source) =>
        Load(terminal, source, allowSeveral: false)[0].Network!;

    /// <summary>As <see cref="LoadOne"/>, with the weight file the network declares (null when it declares none).</summary>
    public static (Network Network, DeclaredWeights? Weights) LoadOneWithWeights(Terminal terminal, NetworkSource source)
    {
        var result = Load(terminal, source, allowSeveral: false)[0];
        return (result.Network!, result.Weights);
    }

    /// <summary>The network named, or every network the file declares.</summary>
    /// <exception cref="CommandFailedException">As <see cref="LoadOne"/>, except that several networks are fine.</exception>
    public static IReadOnlyList<Network> LoadSome(Terminal terminal, NetworkSource source) =>
        Load(terminal, source, allowSeveral: true).Select(n => n.Network!).ToList();

    private static List<NetworkResult> Load(Terminal terminal, NetworkSource source, bool allowSeveral)
    {
        string path = source.Path;
        var documents = DeclarationFiles.ReadAll(new[] { path }.Concat(source.Includes.Where(i => i != path)).Distinct().ToList());
        var compilation = GnetCompiler.Compile(documents);

        // Networks of the included files are compiled too (their diagnostics show), but only FILE's are chosen from.
        var declared = compilation.Networks.Where(n => n.Location.FilePath == path).ToList();
        if (declared.Count == 0)
        {
            // Without a network there is nothing to pick; errors in the file explain why, if there are any.
            ReportAndFailOnErrors(terminal, compilation.Diagnostics, $"'{path}' has errors and no valid network.");
            throw new CommandFailedException($"'{path}' declares no network, only blocks; add a 'network Name(input: CxHxW) {{ ... }}'.");
        }

        var chosen = Choose(declared, path, source.NetworkName, allowSeveral);
        var relevant = DiagnosticsFor(compilation, chosen);
        // Name the networks the errors withhold (another network's syntax error is its own, not listed here), else the file.
        var failing = chosen.Where(n => n.Network is null || n.HasErrors).Select(n => n.Name).ToList();
        string names = string.Join(", ", failing);
        ReportAndFailOnErrors(terminal, relevant, failing.Count switch
        {
            0 => $"'{path}' has errors (listed above); fix them and run again.",
            1 => $"network {names} has errors (listed above); fix them and run again.",
            _ => $"networks {names} have errors (listed above); fix them and run again.",
        });

        // A network without a model had its errors reported above; this is only a safety net.
        var missing = chosen.FirstOrDefault(n => n.Network is null);
        if (missing is not null) throw new CommandFailedException($"network {missing.Name} could not be built.", ExitCodes.ProblemsFound);
        return chosen;
    }

    private static List<NetworkResult> Choose(List<NetworkResult> declared, string path, string? networkName, bool allowSeveral)
    {
        string available = string.Join(", ", declared.Select(n => n.Name));
        if (networkName is not null)
        {
            var named = declared.FirstOrDefault(n => n.Name == networkName) ?? throw new CommandFailedException($"'{path}' declares no network named '{networkName}'; it declares {available}.");
            return new List<NetworkResult> { named };
        }
        if (declared.Count > 1 && !allowSeveral)
        {
            throw new CommandFailedException($"'{path}' declares {declared.Count} networks ({available}); choose one with --network.");
        }
        return declared;
    }

    /// <summary>The file-level diagnostics plus the chosen networks' own, in the compiler's order.</summary>
    private static List<GnetDiagnostic> DiagnosticsFor(CompilationResult compilation, IReadOnlyList<NetworkResult> chosen)
    {
        var ownedByNetworks = new HashSet<GnetDiagnostic>(compilation.Networks.SelectMany(n => n.Diagnostics));
        var ownedByChosen = new HashSet<GnetDiagnostic>(chosen.SelectMany(n => n.Diagnostics));
        return compilation.Diagnostics.Where(d => !ownedByNetworks.Contains(d) || ownedByChosen.Contains(d)).ToList();
    }

    private static void ReportAndFailOnErrors(Terminal terminal, IReadOnlyCollection<GnetDiagnostic> diagnostics, string failure)
    {
        foreach (var diagnostic in diagnostics) terminal.Error.WriteLine(diagnostic.ToString());
        if (diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error)) throw new CommandFailedException(failure, ExitCodes.ProblemsFound);
    }
}
